"""Widgets for other sites: the next free appointment of a motive, the waiting time at the
counters, the latest news and a « Vos droits » fiche, each a small page another site puts in
an ``<iframe>`` (or inserts with ``embed.js``), framed only by the origins the commune allows
(``Commune.widget_origins``); the back office's « Widgets » page shows them and the snippets."""
