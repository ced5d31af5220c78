-- Chat webhook URLs carry their token and the generic format's signing secret is a key, so an alert rule's webhook is
-- stored sealed (AES-256-GCM under the manager's server key, bound to the rule's id) in webhook_sealed. The manager
-- moves rules that still hold them in the clear columns webhook_url/webhook_secret into it at start and empties those
-- columns; new rules never write them. 8192 bytes hold the longest URL (2048 characters, 3 bytes each in UTF-8) and
-- secret (255) with the seal's 29 bytes.
ALTER TABLE alert_rules ADD COLUMN webhook_sealed VARBINARY(8192) NULL;
