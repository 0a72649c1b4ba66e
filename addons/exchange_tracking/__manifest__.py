{
    "name": "Exchange Tracking",
    "summary": "Log every call, email and meeting with a customer, with follow-ups and confidential notes",
    "version": "18.0.1.0.2",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "Dunning Strategy Contributors",
    "website": "https://example.com/dunning",
    "depends": ["mail", "calendar", "contacts", "product"],
    "data": [
        "security/exchange_tracking_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/exchange_mode_data.xml",
        "data/exchange_subject_data.xml",
        "views/exchange_mode_views.xml",
        "views/exchange_subject_views.xml",
        "views/exchange_log_views.xml",
        "views/exchange_log_link_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/exchange_tracking_menus.xml",
    ],
    "demo": [
        "demo/exchange_log_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "exchange_tracking/static/src/**/*",
        ],
        "web.assets_tests": [
            "exchange_tracking/static/tests/tours/**/*",
        ],
    },
    "external_dependencies": {"python": ["markupsafe"]},
    "installable": True,
    "application": False,
}
