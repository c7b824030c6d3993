"""Settings: packaged defaults, the user's file, the environment and flags, in that order."""

from deepdaily.config.settings import (
    AnalysisSettings,
    FetchSettings,
    LLMSpec,
    Profile,
    Settings,
    SourceSpec,
    StoreSettings,
    load_settings,
)

__all__ = [
    "AnalysisSettings",
    "FetchSettings",
    "LLMSpec",
    "Profile",
    "Settings",
    "SourceSpec",
    "StoreSettings",
    "load_settings",
]
