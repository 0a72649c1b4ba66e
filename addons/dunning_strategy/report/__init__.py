from . import dunning_analysis, dunning_customer_situation, dunning_statement, dunning_worklist
