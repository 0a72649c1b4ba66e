{
    "name": "Exchange Tracking - Purchase",
    "summary": "Log exchanges from requests for quotation and purchase orders, with their count and history",
    "version": "18.0.1.0.0",
    "category": "Inventory/Purchase",
    "license": "AGPL-3",
    "author": "Dunning Strategy Contributors",
    "website": "https://example.com/dunning",
    "depends": ["exchange_tracking", "purchase"],
    "data": [
        "views/purchase_order_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
