//! The `deliveries` table.
