"""Dimension `content` (内容安全): what the checklist vetoes as 严重错误 and what content monitors sell.

Passive, as everything here: the checks read the pages the crawl fetched and the site's own attachments.
- `privacy.*`: personal data published unmasked (ID numbers, mobile numbers, bank cards) in page text
  and attachments (checks/content/privacy.py, attachments read by checks/content/attachments.py);
- `content.hidden-link`: links hidden from readers that point off-site (暗链, checks/content/hidden.py);
- `content.future-date`, `content.date-mismatch`: impossible or forged dates (checks/content/dates.py);
- `content.sensitive-word`, `content.term-typo`: the user's word lists and fixed terms (checks/content/words.py);
- `content.home-changed`: a home page defaced between runs (checks/content/home.py).
Words and patterns are data: auditcli/core/knowledge/privacy.yaml and content.yaml.
"""

from checks.content import dates, hidden, home, privacy, words  # noqa: F401  (registers the checks)
