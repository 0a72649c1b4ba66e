-- a neutralized copy of a database must never remind real customers
UPDATE dunning_strategy
   SET automatic = false;
