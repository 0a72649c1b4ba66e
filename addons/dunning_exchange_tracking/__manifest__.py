{
    "name": "Dunning and Exchange Tracking",
    "summary": "Calls of the dunning follow-up logged as exchanges, and exchanges in the customer's timeline",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "AGPL-3",
    "author": "Dunning Strategy Contributors",
    "website": "https://example.com/dunning",
    "depends": ["dunning_strategy", "exchange_tracking"],
    "data": [],
    "demo": ["demo/exchange_log_demo.xml"],
    "installable": True,
    "auto_install": True,
}
