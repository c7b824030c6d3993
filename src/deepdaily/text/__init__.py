"""Text analysis shared by every stage: the lowest layer of the package.

Clustering, ranking, analysis, verification and rendering all read text the same way, so the
tools live here, below them all, and import nothing of the pipeline:

- :mod:`.sentences`: normalising and splitting text into sentences (English and Chinese);
- :mod:`.entities`: organisations and other names found in text;
- :mod:`.terms`: fact-bearing sentences and the terms that recur across items;
- :mod:`.names`: the distinctive names an item is about (for trends and watch lists);
- :mod:`.facts`: typed, checkable facts (numbers, dates, versions, names);
- :mod:`.agree`: does a claim agree with its own passage, and where is that passage verbatim
  in the sources (:mod:`.locate`); built on :mod:`.typed` (a text read for its facts:
  :mod:`.dates`, :mod:`.numbers`, :mod:`.ner`, :mod:`.stance`), :mod:`.align`, :mod:`.match`,
  :mod:`.normal` and :mod:`.words`;
- :mod:`.links`: URLs found in text, compared and stripped;
- :mod:`.untrusted` and :mod:`.sanitise`: text that addresses an AI or the reader, hidden or
  unsafe markup: what fetched content may never carry into a prompt or a digest;
  :mod:`.directives` (with :mod:`.directive_roles`) finds such requests and promotions by their
  structure in any wording, and output that obeys them.
"""
