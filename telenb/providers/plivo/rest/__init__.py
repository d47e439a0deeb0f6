"""The `plivo` SDK against the simulated carrier: `offline_client` (`sdk`), the transport
adapter (`offline`), the Call and Message APIs (`calls`, `messages`) and their JSON
(`resources`)."""
