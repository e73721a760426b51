package kinds

// Certificate is a TLS certificate that Traefik serves for the hosts it
// covers (captures 508-517). certificates.create needs an organizationId
// in the body, whatever its value, and answers the row; the private key
// comes back in clear. certificates.update is partial but takes only
// name, certificateData and privateKey: autoRenew and the server are set
// by the create alone. certificates.remove answers true.
var Certificate = &Kind{
	Name: "certificate", Key: "certificates",
	Doc:       "Custom TLS certificates that Traefik serves for the hosts they cover, by name.",
	NameField: "name",
	Fields: []*Field{
		{Name: "certificateData", Type: Text, Required: true, Doc: "The certificate chain, PEM (-----BEGIN CERTIFICATE-----...)."},
		{Name: "privateKey", Type: String, Required: true, Secret: true, Doc: "The certificate's private key, PEM; use ${VAR}."},
		{Name: "autoRenew", Type: Bool, Nullable: true, CreateOnly: true, Doc: "Whether Dokploy renews it; set when it is created."},
		{Name: "server", API: "serverId", Type: String, Ref: "server", CreateOnly: true,
			Frozen: "move a live certificate to another server; remove it and apply to create it there",
			Doc:    "The remote server whose Traefik serves it, by name; none: the Dokploy server."},
		Protect,
	},
	// Traefik matches certificates by host: the domains of projects the
	// spec does not declare may be served with it.
	Used:   true,
	Read:   Read{Proc: "certificates.all"},
	Router: "certificates",
	IDKey:  "certificateId",
	Create: Create{Fixed: map[string]any{"organizationId": ""}, Answer: Row},
}
