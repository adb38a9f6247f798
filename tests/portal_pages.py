"""The pages the browser and HTML-validity tests walk, one of each type of the demo portal."""

PORTAL_PAGES = {
    "home": "/",
    "services": "/demarches-en-ligne/",
    "service": "/demarches-en-ligne/sinscrire-sur-les-listes-electorales/",
    "life-events": "/evenements-de-vie/",
    "life-event": "/evenements-de-vie/elections/",
    "life-event-appointments": "/evenements-de-vie/jattends-ou-jai-un-enfant/",
    "news-index": "/actualites/",
    "news": "/actualites/inscriptions-scolaires-rentree/",
    "event": "/actualites/fete-de-la-loire/",
    "contact": "/contact/",
    "legal-notice": "/mentions-legales/",
    "personal-data": "/donnees-personnelles/",
    "accessibility": "/accessibilite/",
    "site-map": "/plan-du-site/",
    "satisfaction": "/avis/",
    "search": "/recherche/?q=listes+électorales",
    "fiches": "/vos-droits/",
    "fiche": "/vos-droits/F1367/",
    "theme": "/vos-droits/N19810/",
}
