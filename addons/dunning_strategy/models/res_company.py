import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_strategy_id = fields.Many2one(
        "dunning.strategy",
        string="Default Dunning Strategy",
        domain="[('company_id', '=', id)]",
        help="Strategy applied to the customers of this company that have no strategy of their own.",
    )

    @api.model
    def _demo_switch_main_company_currency(self, currency_xmlid="base.EUR"):
        """Demo data only: give the main company ``currency_xmlid`` (euros for the French demo story).

        Odoo's base demo makes the main company American: the generic chart of accounts is loaded in
        dollars and ``account``'s demo posts invoices, bills and bank statements before this addon's
        demo runs. Odoo refuses to change the currency of a company that has journal items, so the
        entries of that generic demo are removed first (reset to draft, then deleted), and the
        company switches currency while it has none. Does nothing when the company already uses the
        currency, and never runs outside demo data: when ``account`` was installed without its demo,
        the entries may be real ones and the company keeps its currency (logged).
        """
        company = self.env.ref("base.main_company")
        currency = self.env.ref(currency_xmlid)
        if company.currency_id == currency:
            return
        if company._existing_accounting():
            if not self.env.ref("base.module_account").demo:
                _logger.warning(
                    "Demo: %s keeps its currency %s, it has accounting entries that are not demo data.",
                    company.name,
                    company.currency_id.name,
                )
                return
            domain = [("company_id", "=", company.id)]
            self.env["account.payment"].search(domain).unlink()
            self.env["account.bank.statement.line"].search(domain).unlink()
            self.env["account.bank.statement"].search(domain).unlink()
            moves = self.env["account.move"].search(domain)
            moves.filtered(lambda move: move.state != "draft").button_draft()
            moves.with_context(force_delete=True).unlink()
        currency.active = True
        old_currency = company.currency_id
        company.currency_id = currency
        if "product.pricelist" in self.env:
            # the default pricelists follow the company (quotations of the demo are in its currency)
            self.env["product.pricelist"].search(
                [("company_id", "in", (False, company.id)), ("currency_id", "=", old_currency.id)]
            ).currency_id = currency
        _logger.info("Demo: %s now keeps its accounts in %s.", company.name, currency.name)
