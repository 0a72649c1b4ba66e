from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ExchangeLog(models.Model):
    """The products of an exchange, limited to the company's list when it has one (Dolibarr's
    "Liste des produits"). The form offers only those products; create and write refuse the
    others, since a view's domain binds no RPC caller."""

    _inherit = "exchange.log"  # pylint: disable=consider-merging-classes-inherited

    product_allowed_ids = fields.Many2many(
        "product.product",
        string="Products of Exchanges",
        compute="_compute_product_allowed_ids",
        help="The products an exchange may be about; empty: any product.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_product_allowed_ids(self):
        for exchange in self:
            exchange.product_allowed_ids = exchange._get_product_list()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        exchanges = super().create(vals_list)
        for exchange in exchanges:
            exchange._check_products_in_list(exchange.product_ids)
        return exchanges

    def write(self, vals):
        if "product_ids" not in vals:
            return super().write(vals)
        # Only the products added are checked: a product chosen before the list was
        # narrowed stays on the exchanges that have it.
        before = {exchange.id: exchange.product_ids for exchange in self}
        result = super().write(vals)
        for exchange in self:
            exchange._check_products_in_list(exchange.product_ids - before[exchange.id])
        return result

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_product_list(self):
        """The company's list of products of exchanges: the exchange's company, or the current
        one for an exchange shared with every company. Empty: any product."""
        self.ensure_one()
        return (self.company_id or self.env.company).exchange_product_ids

    def _check_products_in_list(self, products):
        self.ensure_one()
        allowed = self._get_product_list()
        refused = products - allowed if allowed else products.browse()
        if refused:
            raise ValidationError(
                self.env._(
                    "%(products)s cannot be chosen on exchange %(exchange)s: the products of exchanges "
                    "are limited to the list of the settings (%(allowed)s).",
                    products=", ".join(refused.mapped("display_name")),
                    exchange=self.name,
                    allowed=", ".join(allowed.mapped("display_name")),
                )
            )
