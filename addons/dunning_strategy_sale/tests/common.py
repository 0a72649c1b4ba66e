from datetime import timedelta

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.dunning_strategy.tools.letter_pdf import pdf_page_count, pdf_text


class QuotationFollowupCommon(AccountTestInvoicingCommon):
    """A company of its own with a three-step quotation strategy (-5, 0 and +10 days from the
    expiration date), and helpers building quotations through the real flows (create, mark as
    sent, confirm, cancel).

    Dates are relative to today: the follow-ups by hand and the cron run at today's date.
    """

    @classmethod
    def default_env_context(cls):
        # keep mail notifications: follow-ups are emails posted in the quotations' chatters
        return {"mail_create_nolog": True, "mail_create_nosubscribe": True, "no_reset_password": True}

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "email": "sales@company.example.com",
                "street": "1 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.env.user.email = "seller@company.example.com"
        cls.template_before = cls.env.ref("dunning_strategy_sale.mail_template_quotation_followup_before")
        cls.template_expiry = cls.env.ref("dunning_strategy_sale.mail_template_quotation_followup_expiry")
        cls.template_after = cls.env.ref("dunning_strategy_sale.mail_template_quotation_followup_after")
        cls.strategy = cls.env["dunning.strategy"].create(
            {
                "name": "Quotation follow-ups",
                "scope": "quotation",
                "company_id": cls.company.id,
                "step_ids": [
                    Command.create(cls._step_vals(1, "Before expiry", -5, cls.template_before)),
                    Command.create(cls._step_vals(2, "Expiry", 0, cls.template_expiry)),
                    Command.create(cls._step_vals(3, "After expiry", 10, cls.template_after)),
                ],
            }
        )
        cls.company.dunning_quotation_strategy_id = cls.strategy
        cls.step1, cls.step2, cls.step3 = cls.strategy.step_ids.sorted("level")
        cls.customer = cls._create_customer("Bakery Martin")

    @classmethod
    def _step_vals(cls, level, name, days, template):
        return {"name": name, "sequence": level * 10, "days": days, "mail_template_id": template.id}

    @classmethod
    def _create_customer(cls, name, email=True, **vals):
        values = {
            "name": name,
            "is_company": True,
            "street": "3 place Bellecour",
            "zip": "69002",
            "city": "Lyon",
            "country_id": cls.env.ref("base.fr").id,
            **vals,
        }
        if email:
            values["email"] = f"{name.lower().replace(' ', '.')}@customer.example.com"
        return cls.env["res.partner"].create(values)

    @classmethod
    def _create_quotation(cls, partner=None, validity_days=30, sent=True, amount=1000.0, **vals):
        """A quotation of ``amount`` (untaxed, no tax) whose expiration date is ``validity_days``
        from today (``None``: no expiration date), marked as sent unless ``sent`` is False."""
        order = (
            cls.env["sale.order"]
            .with_company(cls.company)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "company_id": cls.company.id,
                    "validity_date": cls.today + timedelta(days=validity_days) if validity_days is not None else False,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product_a.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                    **vals,
                }
            )
        )
        if sent:
            order.action_quotation_sent()
        return order

    def _days(self, days):
        return self.today + timedelta(days=days)

    def _candidates(self, date=None, strategy=None):
        return (strategy or self.strategy)._compute_candidates(date or self.today)

    def _selected_orders(self, date=None, strategy=None):
        return self.env["sale.order"].browse([c["sale_order_id"] for c in self._candidates(date, strategy)])

    def _followup_wizard(self, order, **vals):
        action = order.action_dunning_followup()
        return self.env["dunning.quotation.followup"].with_context(**action["context"]).create(vals)

    def _mails_of(self, order):
        return self.env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", order.id)])

    def _followup_messages(self, order):
        """Follow-up emails (comments with recipients) posted on ``order``."""
        return self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("message_type", "=", "comment"),
                ("partner_ids", "!=", False),
            ]
        )

    @staticmethod
    def _pdf_pages_text(pdf):
        return [pdf_text(pdf, pages=[index]) for index in range(pdf_page_count(pdf))]
