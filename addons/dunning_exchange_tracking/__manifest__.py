{
    "name": "Dunning and Exchange Tracking",
    "summary": "Calls of the dunning follow-up logged as exchanges, and exchanges in the customer's timeline",
    "version": "18.0.1.1.0",
    "category": "Accounting/Accounting",
    "license": "AGPL-3",
    "author": "Dunning Strategy Contributors",
    "website": "https://example.com/dunning",
    "depends": ["dunning_strategy", "exchange_tracking", "exchange_tracking_account"],
    "data": ["views/exchange_log_views.xml", "views/dunning_run_line_views.xml"],
    "demo": ["demo/exchange_log_demo.xml"],
    "assets": {
        "web.assets_backend": ["dunning_exchange_tracking/static/src/**/*"],
        "web.assets_tests": ["dunning_exchange_tracking/static/tests/tours/**/*"],
    },
    "installable": True,
    "auto_install": True,
}
