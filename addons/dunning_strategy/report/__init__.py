from . import dunning_analysis
