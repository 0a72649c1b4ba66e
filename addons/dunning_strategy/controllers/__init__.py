from . import dunning_statement_xlsx, portal
