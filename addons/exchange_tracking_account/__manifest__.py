{
    "name": "Exchange Tracking - Invoicing",
    "summary": "Log exchanges from invoices, with their count and history",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "AGPL-3",
    "author": "Dunning Strategy Contributors",
    "website": "https://example.com/dunning",
    "depends": ["exchange_tracking", "account"],
    "data": [
        "views/account_move_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "exchange_tracking_account/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "auto_install": True,
}
