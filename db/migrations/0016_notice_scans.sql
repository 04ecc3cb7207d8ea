-- Two scans of the notice sender that read rows they do not want, in numbers that grow with
-- the list:
--
-- * The due notices of one channel (storage::outbox::due): with only `(state, due_at)`, every
--   pending notice of a channel not being sent (SMS when no provider is configured, or one
--   stopped by its rate) sat ahead of the wanted ones and was read again for every group:
--   at the 2018 list's size the e-mail sender slowed from ~250 to ~150 messages a second as
--   ~500,000 pending SMS piled up in front.
-- * The reminder scan (storage::outbox::enqueue_reminders) reads the outbound legs delivered
--   in a range of time: after a sender's first scan, only those delivered since the last one
--   (with an overlap). Without an index each scan read every delivered leg, once per pass.
CREATE INDEX outbox_due_channel ON outbox (state, channel, due_at);
CREATE INDEX legs_delivered_at ON legs (direction, status, status_at);
