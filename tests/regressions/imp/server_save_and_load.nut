// The device does nothing: this test is its agent's (server_save_and_load.agent), which
// uses server.save() and server.load().
