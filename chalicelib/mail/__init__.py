"""The email channel: SES inbound mail to tickets, acknowledgements and CSR replies."""
