-- An event may be addressed to one user instead of to the group's members: the member who was
-- removed (or left) is no longer a member, so only an addressed `member.changed` tells their
-- open tabs to stop showing the group.
ALTER TABLE events ADD COLUMN user_id TEXT REFERENCES users (id);
