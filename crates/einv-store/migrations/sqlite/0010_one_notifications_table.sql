-- One notification system. Notices to Users were kept apart in `user_notifications` while
-- `notifications` had a 'user' recipient no one used; every User notice now lives in
-- `notifications` (recipient_role 'user'), the rows already sent moved over unchanged: kind,
-- text (as body; User notices have no title), when sent and when read. Moved in the order
-- they were sent, so newest-first by id stays newest-first by time.
INSERT INTO notifications (recipient_role, recipient_id, licence_id, kind, title, body, created_at, read_at)
SELECT 'user', user_id, NULL, kind, '', text, created_at, read_at
FROM user_notifications
ORDER BY created_at, id;

DROP TABLE user_notifications;
