from datetime import date

from .common import DunningCommon


class DunningHistoryCommon(DunningCommon):
    """A hand-built history, runs and payments at known dates (all amounts without tax).

    ========  ========  ===========  ==========  ===============================================
    invoice   customer  issued       due         history
    ========  ========  ===========  ==========  ===============================================
    A1 1000   Alpha     2026-01-01   2026-01-31  400 paid 01-25; R1 02-10 (600 due); 600 paid 02-20
    D1 3000   Alpha     2026-01-29   2026-02-28  paid in full 02-15 (not due at R1: not reminded)
    B1 2000   Bravo     2025-12-21   2026-01-20  R1 02-10, R2 03-25; paid in full 04-01
    C1  500   Charlie   2026-01-02   2026-02-01  R1 02-10, R2 03-25; never paid
    ========  ========  ===========  ==========  ===============================================
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alpha, cls.bravo, cls.charlie = (
            cls._create_customer(f"History {name}") for name in ("Alpha", "Bravo", "Charlie")
        )
        cls.a1, cls.d1, cls.b1, cls.c1 = cls._create_invoices(
            [
                cls._invoice_vals(cls.alpha, date(2026, 1, 31), 1000.0),
                cls._invoice_vals(cls.alpha, date(2026, 2, 28), 3000.0),
                cls._invoice_vals(cls.bravo, date(2026, 1, 20), 2000.0),
                cls._invoice_vals(cls.charlie, date(2026, 2, 1), 500.0),
            ]
        )

    def _build_history(self):
        """Payments and runs in the order they happened (the engine sees each day's state)."""
        self._pay(self.a1, 400.0, date(2026, 1, 25))
        self._pay(self.d1, payment_date=date(2026, 2, 15))
        self.r1 = self._run(date(2026, 2, 10))
        self._pay(self.a1, payment_date=date(2026, 2, 20))
        self.r2 = self._run(date(2026, 3, 25))
        self._pay(self.b1, payment_date=date(2026, 4, 1))
        for run in self.r1 | self.r2:
            self.assertEqual(set(run.line_ids.mapped("state")), {"done"}, run.line_ids.mapped("error"))
        # the analytics are stored: computed again as the nightly job does
        self.env["dunning.analytics.snapshot"]._refresh_analytics()
