//! The `attempts` table.
