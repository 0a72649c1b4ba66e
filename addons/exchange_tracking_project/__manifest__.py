{
    "name": "Exchange Tracking - Project",
    "summary": "Log exchanges from projects, with their count and history",
    "version": "18.0.1.0.0",
    "category": "Services/Project",
    "license": "AGPL-3",
    "author": "Dunning Strategy Contributors",
    "website": "https://example.com/dunning",
    "depends": ["exchange_tracking", "project"],
    "data": [
        "views/project_project_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
