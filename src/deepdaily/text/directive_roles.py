"""The vocabulary of the roles a directive sentence is built from, per language.

:mod:`deepdaily.text.directives` decides whether a sentence addresses an automated reader (or
the human reader) with a request or a promotion from the *roles* of its parts, not from whole
phrases. This module only says which words can fill each role, in English, Chinese, German,
French, Spanish, Portuguese, Italian, Japanese, Korean and Russian (the languages of the
injection corpus, ``tests/injection/README.md``):

- ``agent``: an automated reader as a noun phrase (an AI system, an assistant, a summariser,
  a crawler, a bot, a language model; a generic head such as "model", "engine" or "software"
  only with a qualifier that makes it one: "automated", "summarisation", "AI", "digest");
- ``reader``: the human audience of a digest (readers, subscribers, "your audience", 读者);
- ``directive``: an obligation, a request or a habit that follows its addressee ("must",
  "are kindly asked to", "ought to", "always", 应当, 务必, 总会, sollen, priés de, deberían);
- ``prefix``: a request that comes before its addressee ("it would be appreciated if",
  "we kindly ask", 恳请, 希望, Pedimos);
- ``act``: what a writer can be asked to do with a text (include, mention, describe, call,
  rank, recommend, tell, feature; 提到, 推荐, 称为, 列入; erwähnen; mentionner...);
- ``command``: the same acts as a sentence-initial imperative ("Describe this as...");
- ``processing``: what an automated reader does to this text (reading, summarising,
  condensing, turning into a summary: 总结, 整理, 转述);
- ``self_ref``: the text pointing at itself or its owner (this article, our product, 本文);
- ``ranking``: importance and placement (the most important story, headline, 头条, 最重要);
- ``output``: the reader's output (your summary, the recap, 摘要, 日报, 结尾);
- ``promo``: a promotion (gift, prize, coupon, voucher, discount code, "% off", 代金券, 礼品,
  Gutschein, cadeau, cupón, brinde, 無料クーポン, 쿠폰);
- ``header``: a line addressed to someone ("note to", "a word for", 致, Hinweis für);
- ``conditional``: an identity condition on the reader ("if you are", 如果你是, si eres).

Each role is a list of regular-expression alternatives, matched case-insensitively on NFKC
text. Latin-script alternatives carry their own word boundaries; CJK ones cannot.
"""

from __future__ import annotations

__all__ = ["ROLES"]

_EN_QUALIFIER = (
    r"(?:automated|automatic|autonomous|digital|virtual|conversational|generative|news|"
    r"newsletter|digest|summary|summari[sz]ation|summari[sz]ing|aggregation|aggregator|search|"
    r"answer|chat|writing|content|ai|a\.i\.|llm|gpt|machine|robot|[a-z.]+-(?:based|powered|driven))"
)
_EN_STRONG_HEAD = (
    r"(?:assistants?|chat ?bots?|bots?|crawlers?|scrapers?|spiders?|summari[sz]ers?|llms?|"
    r"aggregators?|"
    r"(?:large )?language models?|neural networks?|ai (?:systems?|models?|tools?|agents?|"
    r"assistants?|readers?|services?|engines?|writers?)|ais)"
)
_EN_WEAK_HEAD = (
    r"(?:models?|agents?|engines?|software|programs?|tools?|systems?|services?|readers?|"
    r"pipelines?|writers?|apps?)"
)

ROLES: dict[str, list[str]] = {
    "agent": [
        # English: "automated summarizers", "AI models", "large language models", "any AI"
        rf"\b(?:{_EN_QUALIFIER}[- ])*{_EN_STRONG_HEAD}\b",
        rf"\b{_EN_QUALIFIER}(?:[- ]\w+)?[- ]{_EN_WEAK_HEAD}\b",
        r"\b(?:an|any|every|each|all|dear|hey|hello|hi|the)\s+(?:a\.i\.|ai)s?\b",
        r"\b(?:a\.i\.|ai)s?\b(?=\s*(?:[,:;]|\bthat\b|\bwhich\b|\bwho\b|\breading\b))",
        r"\b(?:dear|hey|hello|hi)\s+(?:\w+\s+)?" + _EN_WEAK_HEAD + r"\b",
        r"\b(?:whichever|whatever|any|every|each|all)\s+(?:\w+\s+)?" + _EN_WEAK_HEAD + r"\b",
        # Chinese
        r"(?:(?<![A-Za-z])AI(?![A-Za-z])|人工智能|大模型|语言模型|智能助手|助手|机器人|爬虫|智能体|"
        r"聊天机器人)(?:\s*(?:系统|模型|助手|工具|程序|应用))?",
        r"(?:摘要|总结|写作|写稿|日报|新闻|资讯|汇总|聚合|自动)[^，。！？,.!?]{0,4}"
        r"(?:工具|程序|系统|服务|模型|软件|应用)",
        r"(?:自动|自动化)[^，。！？,.!?]{0,6}(?:程序|工具|系统|服务)",
        # whoever processes this text: 读到这里的模型, 正在总结本文的程序
        r"(?:读到|读取|阅读|处理|总结|抓取|看到|转载|整理)[^，。！？,.!?]{0,8}的(?:模型|程序|工具|系统|你)",
        # German
        r"\bKI(?:-(?:Systeme?|Modelle?|Assistent\w*|Tools?|Agenten|Bots?|Dienste?|Crawler))?\b",
        r"\bkünstliche\w*\s+Intelligenz\w*\b",
        r"\b\w*(?:sprachmodell|assistent|chatbot|zusammenfassungs\w*|crawler)\w*\b",
        r"\b(?:automatische|maschinelle)\w*\s+\w+",
        # French, Spanish, Portuguese, Italian
        r"\b(?:IA|intelligence artificielle|inteligencia artificial|intelig[eê]ncia artificial|"
        r"intelligenza artificiale)\b",
        r"\b(?:assistants?|asistentes?|assistentes?|assistenti)\b",
        r"\b(?:robots?|robôs?|bots?|chatbots?|rastreadores?)\b",
        r"\bmod[eè]l(?:e|o|i)s?\s+(?:de\s+)?(?:langage|lenguaje|linguagem|linguistic\w*)\b",
        r"\b(?:r[eé]sumeurs?|resumidores?|riassuntori|agents? conversationnels?)\b",
        r"\boutils? de (?:r[eé]sum[eé]|synth[eè]se|veille)\b",
        # Japanese, Korean
        r"(?:人工知能|言語モデル|アシスタント|チャットボット|ボット|クローラー|エージェント)",
        r"(?:인공지능|언어\s*모델|비서|어시스턴트|챗봇|크롤러|에이전트)",
        # Russian
        r"(?:\bИИ\b|нейросет\w*|искусственн\w*\s+интеллект\w*|языков\w*\s+модел\w*|"
        r"ассистент\w*|чат-?бот\w*|\bбот\w*)",
    ],
    "reader": [
        r"\b(?:readers?|audience|subscribers?|followers|viewers|listeners|everyone who reads)\b",
        r"(?:读者|大家|各位读者|粉丝|订阅者|观众|看官)",
        r"\b(?:Leser(?:innen)?|Abonnent\w*|Publikum)\b",
        r"\b(?:lect(?:eur|rice)s?|abonn[ée]s|lectores|lectoras|leitor(?:es|as)?|assinantes|"
        r"lettori|lettrici|abbonati)\b",
        r"(?:読者|皆さん|皆様|독자|여러분|구독자)",
        r"(?:читател\w*|подписчик\w*)",
    ],
    "directive": [
        # English: obligation, request, expectation, habit
        r"\b(?:must|should|ought to|shall|need(?:s)? to|ha(?:ve|s) to|are to|is to|"
        r"had better|will want to|are supposed to|is supposed to)\b",
        r"\b(?:are|is|'re|will be|shall be)\s+(?:\w+ly\s+)?(?:asked|requested|expected|"
        r"encouraged|invited|urged|required|instructed|told|advised|welcome|kindly asked|"
        r"obliged|reminded)\s+to\b",
        r"\b(?:always|invariably|never fail to|without fail|make sure to|be sure to|"
        r"remember to|don't forget to|do not forget to|please|kindly)\b",
        # Chinese
        r"(?:请|麻烦|务必|应当|应该|需要|必须|一定要|记得|别忘了|不要忘记|总会|总是|永远|一律|"
        r"(?:应|需|须|要|得)(?=[把将在向给称写提加推告说列当]))",
        # German
        r"\b(?:bitte|unbedingt|soll\w*|müss\w*|muss|stets|immer|wird erwartet|werden gebeten|"
        r"sind gebeten|sind aufgefordert|vergesst nicht|vergessen Sie nicht|denkt daran)\b",
        # French
        r"\b(?:pri[ée]s? de|merci de|veuillez|doivent|devez|devrai(?:en)?t|il faut|"
        r"n'oubliez pas|pensez à|toujours|sont invit[ée]s à|est attendu|sont tenus de)\b",
        # Spanish, Portuguese, Italian
        r"\b(?:deber[ií]an|deben|debe|deber[aá]n|por favor|recuerd[ae]n?|no olvid\w+|siempre|"
        r"se ruega|tienen que|hay que|devem|deve|deveriam|lembr\w+|n[aã]o esque[çc]\w+|sempre|"
        r"dovrebbero|devono|per favore|ricordate|siete pregati)\b",
        # Japanese, Korean
        r"(?:ください|下さい|お願い|べき|必ず|なければならない|ように|こと[。]|ましょう)",
        r"(?:주세요|바랍니다|해야|꼭|반드시|하십시오|부탁|할 것)",
        # Russian
        r"(?:должн\w*|пожалуйста|обязательно|следует|нужно|надо|всегда|просим|прошу)",
    ],
    "prefix": [
        r"\bit would be (?:\w+ )?(?:appreciated|great|nice|helpful|wonderful|lovely|good) if\b",
        r"\b(?:we|i)(?:'d| would)? (?:\w+ly )?(?:ask|request|urge|invite|encourage|beg|"
        r"appreciate|like|love|want|prefer)\b",
        r"\b(?:we|i) (?:would|'d) (?:love|like|appreciate) it if\b",
        r"\bit is (?:\w+ )?(?:essential|important|vital|crucial|imperative|mandatory|necessary|"
        r"expected|required) that\b",
        r"(?:恳请|烦请|敬请|劳驾|拜托|希望|麻烦|请求|我们请|诚邀|请)",
        r"\b(?:wir bitten|ich bitte|es wäre (?:schön|nett|toll) wenn)\b",
        r"\b(?:nous (?:demandons|prions|invitons)|merci aux|il serait appréciable que)\b",
        r"\b(?:pedimos|solicitamos|rogamos|les pedimos|agradecer[ií]amos|"
        r"chiediamo|preghiamo)\b",
        r"(?:просим|прошу|убедительная просьба)",
        r"(?:お願い|ぜひ)",
        r"(?:부탁|바랍니다)",
    ],
    "act": [
        r"\b(?:includ|mention|describ|present|label|rank|recommend|promot|featur|highlight|"
        r"emphasi[sz]|advertis|remind|credit|portray|characteri[sz]|spotlight|showcase|endors|"
        r"prais|prioriti[sz]|insert|append|cite|refer|direct|suggest|plug|pitch|tout|frame)\w*",
        r"\b(?:call(?:s|ed|ing)?|say(?:s|ing)?|said|state[sd]?|tell(?:s|ing)?|told|list(?:s|ed)?|"
        r"link(?:s|ed|ing)?|add(?:s|ed|ing)?|put(?:s|ting)?|place[sd]?|treat(?:s|ed|ing)?|"
        r"report(?:s|ed|ing)?|write(?:s)?|writ(?:ing|ten)|note[sd]?|send(?:s|ing)?|sent|"
        r"point(?:s|ed|ing)?|make (?:it )?clear|single(?:s|d)? out|give(?:s|n)? (?:it|this))\b",
        r"(?:提到|提及|提一句|提一下|加上|加入|写上|写明|写成|写入|附上|推荐|介绍|称为|称其为|称之为|称作|"
        r"描述|告诉|告知|转告|列入|列为|置顶|当作|当成|视为|突出|强调|报道|总结为|顺带|顺便|宣传|推广|"
        r"放在|标注|注明|夸|称赞|提醒|带上|说明|声明|表示|写|称|说)",
        r"\b(?:erwähn|nenn|beschreib|darstell|empfehl|hinweis|verlink|hervorheb|bezeichn|bewerb|"
        r"bericht|schreib|stell\w* \w+ dar|aufnehm)\w*",
        r"\b(?:mentionn|d[ée]cri|pr[ée]sent|recommand|signal|cit|indiqu|ajout|qualifi|parl|"
        r"promouv|mett\w* en avant|class)\w*",
        r"\b(?:mencion|present|describ|recomend|inclu|destac|record|indic|añad|cit|promocion|"
        r"cont|descrev|apresent|divulg|segnal|consigli|descriv)\w*",
        r"(?:紹介|言及|記載|掲載|案内|伝え|取り上げ|書い|推薦|勧め|載せ|含め|強調|扱)",
        r"(?:소개|언급|알려|전해|추천|포함|강조|게시|다뤄|작성)",
        r"(?:назов|назва|упомян|упомина|расскаж|сообщ|рекоменд|опиш|представ|добав|укаж)\w*",
    ],
    "command": [
        # a sentence (or the part after a vocative) that opens with an imperative act
        r"^(?:(?:please|kindly|now|also|then|and)\s+)?(?:include|mention|describe|present|call|"
        r"label|rank|say|state|tell|recommend|promote|feature|highlight|link|cite|point out|add|"
        r"insert|treat|emphasi[sz]e|advertise|remind|credit|frame|portray|characteri[sz]e|"
        r"spotlight|plug|send|direct|refer|make sure|be sure|remember|don't forget|do not forget|"
        r"write|report|list|put|place|give|take note)\b",
        r"^(?:请|务必|一定要|记得|别忘了|麻烦)",
        r"^(?:erwähnt|erwähnen Sie|nennt|beschreibt|stellt|empfehlt|verlinkt|bitte)\b",
        r"^(?:d[ée]crivez|mentionnez|recommandez|pr[ée]sentez|signalez|citez|indiquez|ajoutez|"
        r"placez|classez|parlez|veuillez|merci de)\b",
        r"^(?:menciona|mencionen|presenta|presenten|describe|recomienda|recomienden|incluye|"
        r"destaca|recuerda|mencione|destaque|indique|apresente|recomende|inclua|presentate|"
        r"menzionate|segnalate|consigliate)\b",
        r"^(?:упомяни|упомяните|назови|назовите|расскажи|расскажите|порекомендуй\w*|добавь\w*)",
    ],
    "processing": [
        r"\b(?:read|reading|reads|summari[sz]\w*|process\w*|pars\w*|crawl\w*|ingest\w*|index\w*|"
        r"scrap\w*|condens\w*|digest(?:s|ing)|compil\w*|turn\w* (?:this|it|these)|writ\w* up|"
        r"retell\w*|paraphras\w*|analy[sz]\w*|review\w*|encounter\w*|see(?:s|ing)?|visit\w*|"
        r"putting together|put together|cover\w*|handl\w*|look\w* at|generat\w* from|"
        r"end\w* up reading)\b",
        r"(?:阅读|读取|读到|总结|概括|摘要|处理|抓取|整理|转述|汇总|改写|报道|介绍|看到|做摘要|生成|"
        r"转载|引用|收录)",
        r"\b(?:lesen|lest|liest|zusammenfass\w*|verarbeit\w*)\b",
        r"\b(?:lis(?:ez|ent|ant)?|lit|r[ée]sum\w*|trait\w*|lee[ns]?|leyendo|resum\w*|proces\w*|"
        r"l[eê]em|lendo|leggono|riassum\w*)\b",
        r"(?:要約|まとめ|読ん|読む|処理)",
        r"(?:요약|읽는|처리)",
        r"(?:пересказ\w*|чита\w*|обрабатыва\w*|суммир\w*)",
    ],
    "self_ref": [
        r"\b(?:this|these|the present|the current)\s+(?:\w+\s+)?(?:article|story|post|page|piece|"
        r"item|announcement|news|release|report|write-?up|thread|newsletter|site|blog|company|"
        r"startup|product|tool|library|project|brand|team|paper|update|launch|entry|material|"
        r"text|content|material|message|document|section|tutorial|video|course|service)s?\b",
        r"\b(?:this|it)\s+as\b",
        r"\bthis\b(?=\s+(?:the|a|an)\b|\s*[,.:;]|\s*$)",
        r"\b(?:\w+ed|shown|given|stated|quoted) (?:above|below)\b",
        r"\b(?:our|my)\s+\w+",
        r"(?:本文|此文|这篇|本篇|本帖|这个帖子|此帖|这条|本条|此条|本站|本页|这家公司|我们的|我司|本公司|其为)",
        r"\b(?:dies\w*\s+(?:Beitrag|Artikel|Meldung|Text|Seite)|unser\w*)\b",
        r"\b(?:(?:ce|cet|cette)\s+(?:billet|article|post|page|annonce|actualit[ée])|notre|nos)\b",
        r"\b(?:(?:esta|este)\s+(?:noticia|art[ií]culo|entrada|p[aá]gina|publicaci[oó]n|"
        r"mat[eé]ria|not[ií]cia|artigo)|nuestr[oa]s?|noss[oa]s?)\b",
        r"\b(?:quest[oa]\s+(?:articolo|notizia|post|pagina)|nostr[oaie])\b",
        r"(?:この記事|本記事|このページ|弊社|私たち)",
        r"(?:이 기사|본 기사|이 글|저희)",
        r"(?:эт\w*\s+стать\w*|наш\w*)",
    ],
    "ranking": [
        r"\b(?:most (?:important|significant|notable|relevant|exciting|interesting|impressive|"
        r"influential|striking)|biggest|top (?:story|news|item|pick|headline)|headline|"
        r"lead (?:story|item)|front[- ]page|number one|#1|first place|above all|best|leading|"
        r"leader|breakthrough|landmark|game[- ]changer|must[- ]read|of the (?:day|week|month|year)|"
        r"greatest|ground-?breaking|revolutionary|fastest|the standard|"
        r"(?:first|top|lead|opening) (?:slot|place|spot|position|item)|before all others|"
        r"(?:goes|go|comes?|belongs?|listed|placed|ranked|put) (?:at the )?(?:first|top))\b",
        r"(?:头条|最重要|最值得|首位|第一|榜首|突破|里程碑|领导者|领先|最佳|最大|年度|今日最|本周最|"
        r"首选|重磅)",
        r"\b(?:wichtigst\w*|Top-?Meldung|Schlagzeile|Durchbruch|führend\w*|beste\w*|"
        r"an erster Stelle)\b",
        r"\b(?:la plus (?:importante|marquante)|le plus (?:important|marquant)|perc[ée]e|"
        r"majeur\w*|à la une|incontournable|m[aá]s destacad\w*|m[aá]s importante|del d[ií]a|"
        r"titular|portada|l[ií]der|principal do dia|mais importante|destaque|manchete|"
        r"pi[uù] importante|della giornata|in prima pagina|svolta)\b",
        r"(?:一番|最大|最も重要|トップ|1位|一位|話題)",
        r"(?:가장 중요한|최고|1위|톱|헤드라인)",
        r"(?:главн\w*|важнейш\w*|сам\w* важн\w*|лучш\w*|прорыв\w*)",
    ],
    "output": [
        r"\b(?:your|any|every|each)\s+(?:[\w-]+\s+)?(?:summary|summaries|recap|digest|"
        r"write-?up|roundup|overview|newsletter|answer|response|output|reply|briefing|coverage|"
        r"report)s?\b",
        r"\bthe\s+(?:\w+\s+)?(?:summary|summaries|recap|digest|write-?up|roundup|newsletter|"
        r"briefing)\b",
        r"\b(?:summaries|recaps|digests|write-?ups|overviews|newsletters)\s+(?:of|about|from)\s+"
        r"(?:this|these)\b",
        r"\b(?:the|this|that) (?:phrase|wording|sentence|line|words?)\b",
        r"(?:摘要|总结|日报|简报|正文|结尾|开头|回答|输出|一句|这句话|要闻)",
        r"\b(?:Zusammenfassung|Überblick|Newsletter)\w*\b",
        r"\b(?:r[ée]sum[ée]|synth[eè]se|resumen|resumo|riassunto)s?\b",
        r"(?:要約|まとめ|요약)",
        r"(?:пересказ\w*|обзор\w*|сводк\w*)",
    ],
    "promo": [
        r"\b(?:gifts?|prizes?|vouchers?|coupons?|promo(?:tional)? codes?|discount(?: codes?)?|"
        r"giveaways?|sweepstakes?|raffle|cashback|complimentary|lifetime deal|exclusive offer|"
        r"at no (?:extra )?cost|free of charge)\b",
        r"\b\d{1,2}\s?%\s?(?:off|discount)\b",
        r"\bfree\s+(?:\w+\s+)?(?:gifts?|present|months?|years?|subscriptions?|access|audits?|"
        r"sessions?|cop(?:y|ies)|e-?books?|courses?|credits?|tokens?|upgrades?|consultations?|"
        r"hosting|merch|swag|tickets?|seats?|t-shirts?|trials?)\b",
        r"(?:礼品|礼物|赠品|奖品|红包|优惠券|代金券|折扣|打折|[一二三四五六七八九\d]折|优惠|抽奖|福利|"
        r"免费(?:领|送|拿|获|得|赠)|永久免费|限时|暗号|兑换码|邀请码|返现|独家资料)",
        r"\b(?:Gutschein\w*|Rabatt\w*|kostenlos\w*|gratis|Geschenk\w*|Gewinnspiel\w*|"
        r"Jahresabo\w*|Aktionscode\w*)\b",
        r"\b(?:gratuit\w*|cadeaux?|code promo|remise|r[ée]duction|bon d'achat|offert\w*|"
        r"regalos?|cup[oó]n(?:es)?|descuentos?|premios?|obsequios?|c[oó]digo promocional|"
        r"brindes?|gr[aá]tis|cupom|cup[aã]o|desconto|pr[eê]mios?|omaggio|sconto|buono)\b",
        r"(?:無料|クーポン|割引|プレゼント|特典)",
        r"(?:무료|쿠폰|할인|경품|선물|증정)",
        r"(?:бесплатн\w*|подар\w*|скидк\w*|промокод\w*|купон\w*)",
    ],
    "header": [
        r"\b(?:note|word|message|memo|reminder|request|heads[- ]up|notice|psa|p\.?s\.?|fyi|"
        r"instructions?)s?\s+(?:to|for)\b",
        r"(?:^|[\s：:（(])(?:致|写给|给|告)(?=[^，。！？,.!?]{0,12}(?:(?<![A-Za-z])AI|人工智能|模型|助手|"
        r"机器人|程序|工具))",
        r"\b(?:Hinweis|Nachricht|Notiz|Bitte)\s+(?:an|für)\b",
        r"\b(?:remarque|message|note|avis|nota|aviso|mensaje|recado|avviso)\s+"
        r"(?:à|aux|pour|para|a|ai|per)\b",
        r"(?:への(?:注意|お願い|メッセージ|お知らせ)|の皆さんへ|の皆様へ|へ[：:])",
        r"(?:에게|께)\s*(?:알림|안내|부탁)",
        r"(?:для|к)\s+(?:ИИ|нейросет\w*|бот\w*)",
    ],
    "conditional": [
        r"\bif you(?:'re| are| happen to be| were| work as)\b",
        r"\bas an? (?:ai|a\.i\.|assistant|language model|llm|bot)\b",
        r"(?:如果你是|如果您是|若你是|假如你是|如果你正在|作为一[个名])",
        r"\b(?:wenn du|falls du|wenn Sie|falls Sie)\s+(?:ein|eine)\b",
        r"\b(?:si (?:vous [eê]tes|tu es|eres|usted es)|se (?:voc[eê] (?:é|for)|sei))\b",
        r"(?:もしあなたが|あなたが.{0,10}なら|만약 당신이|당신이.{0,10}라면|если (?:ты|вы))",
    ],
}
