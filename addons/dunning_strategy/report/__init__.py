from . import dunning_analysis, dunning_statement
