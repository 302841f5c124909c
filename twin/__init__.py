"""The local twin: Tenantline on moto, provisioned from the same declarations that deploy to AWS."""
