from . import dunning_launch, dunning_set_step
