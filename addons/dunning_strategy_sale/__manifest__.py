{
    "name": "Dunning Strategies - Quotation Follow-ups",
    "summary": "Follow up open quotations by email or letter, one by one, in bulk or every day, on the dunning engine",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "AGPL-3",
    "author": "Dunning Strategy Contributors",
    "website": "https://example.com/dunning",
    "depends": ["dunning_strategy", "sale_management"],
    "data": [
        "security/dunning_strategy_sale_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
