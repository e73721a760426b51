package kinds

// ServiceRegistry are the registries an application uses, by name: the
// one its docker image is pulled from (registryId), the one its builds
// are pushed to (buildRegistryId) and the one rollbacks keep images in
// (rollbackRegistryId). application.update sets each; a registry's
// removal sets them to null.
var ServiceRegistry = &Kind{
	Name: "serviceRegistry", Key: "registry", Parents: []string{"application"}, Singleton: true, Inline: true, After: "source",
	Doc: "The Docker registries the application uses, by name.",
	Fields: []*Field{
		{Name: "registry", API: "registryId", Type: String, Ref: "registry", Nullable: true, Deploy: true,
			Doc: "The registry its image is pulled from, by name (registries:); null: none."},
		{Name: "buildRegistry", API: "buildRegistryId", Type: String, Ref: "registry", Nullable: true, Deploy: true,
			Doc: "The registry its builds are pushed to, by name; null: none."},
		{Name: "rollbackRegistry", API: "rollbackRegistryId", Type: String, Ref: "registry", Nullable: true,
			Doc: "The registry rollbacks keep their images in, by name (with rollbackActive); null: none."},
	},
}
