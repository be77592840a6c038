-- R4.6 "per AppID per service where useful": a reviewer's change may hold one AppID's calls
-- of one service (R3.6 name, e.g. 'carrier-invoices') to a limit of their own, beside the
-- AppID's limit over all its calls. NULL: the change is of the AppID's limit over all calls,
-- as every row before this migration.
ALTER TABLE flow_limit_changes ADD COLUMN service TEXT;
