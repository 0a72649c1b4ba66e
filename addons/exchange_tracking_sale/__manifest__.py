{
    "name": "Exchange Tracking - Sales",
    "summary": "Log exchanges from quotations and sales orders, with their count and history",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "AGPL-3",
    "author": "Dunning Strategy Contributors",
    "website": "https://example.com/dunning",
    "depends": ["exchange_tracking", "sale"],
    "data": [
        "views/sale_order_views.xml",
    ],
    "demo": [
        "demo/exchange_log_demo.xml",
    ],
    "installable": True,
    "auto_install": True,
}
