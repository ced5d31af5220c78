-- A login also hands out a refresh token (stored as its SHA-256 digest like the session token), valid longer than
-- the session token; using it replaces both (rotation), so a stolen refresh token works at most once.
ALTER TABLE sessions ADD COLUMN refresh_hash BINARY(32) NULL;
ALTER TABLE sessions ADD COLUMN refresh_expires_at DATETIME(6) NULL;
CREATE UNIQUE INDEX uq_sessions_refresh ON sessions (refresh_hash);
