from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The EXC numbers become gapless (see data/ir_sequence_data.xml); the record is noupdate.

    A standard sequence counts in a PostgreSQL sequence that the column ``number_next`` does not
    follow: the next number is carried over before the switch, so that no number is given twice.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    sequence = env.ref("exchange_tracking.seq_exchange_log", raise_if_not_found=False)
    if sequence and sequence.implementation != "no_gap":
        sequence.write({"implementation": "no_gap", "number_next": sequence.number_next_actual})
