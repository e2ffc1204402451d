pub mod raw_server;
