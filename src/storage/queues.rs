//! The exception queues of courier tracking.
