package spec

// brokenSpecs are broken specs that need variables to be SET (testVars):
// checks that apply to a value after interpolation. The main table of broken
// specs is testdata/broken/ (golden_test.go), loaded with no variable set;
// keep a case here only when it cannot be written there. Each lists the
// exact diagnostics Load reports (Diagnostic.String(), in order). They also
// seed FuzzLoad.
var brokenSpecs = []struct {
	name string
	src  string
	want []string
}{
	{"passwords are checked after interpolation", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        postgres:
          pg:
            dockerImage: postgres:16
            databaseName: shop
            databaseUser: shop
            databasePassword: "${SPACEY}"
        mariadb:
          maria:
            dockerImage: mariadb:11
            databaseName: shop
            databaseUser: shop
            databasePassword: "${DB_PASSWORD}"
            databaseRootPassword: "${DB_PASSWORD}/x"
        mongo:
          mg:
            dockerImage: mongo:7
            databaseUser: root
            databasePassword: "${UNSET_PASSWORD} !"
        redis:
          rd:
            dockerImage: redis:7
            databasePassword: "${SPACEY}"
`, []string{
		`dokploy.yaml:11:31: shop/production/postgres/pg: databasePassword: contains " " which Dokploy rejects; allowed are letters, digits and @#%^&*()_+-=[]{}|;:,.<>?~` + "`",
		`dokploy.yaml:18:35: shop/production/mariadb/maria: databaseRootPassword: contains "/" which Dokploy rejects; allowed are letters, digits and @#%^&*()_+-=[]{}|;:,.<>?~` + "`",
		`warning: dokploy.yaml:23:31: shop/production/mongo/mg: databasePassword: ${UNSET_PASSWORD} is not set; fields that use it are shown as unknown`,
		`warning: dokploy.yaml:27:31: shop/production/redis/rd: databasePassword: contains " ": Dokploy creates redis with it, but its changePassword refuses it, so the password could not be changed later; use letters, digits and @#%^&*()_+-=[]{}|;:,.<>?~` + "`",
	}},
	{"appName and envFile are checked after interpolation", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    envFile: env/${TAG}.env
    environments:
      production:
        applications:
          api:
            appName: "api ${TAG}"
            source: {docker: {image: "nginx:${TAG}"}}
`, []string{
		`dokploy.yaml:4:14: shop: envFile "env/1.4.2.env": file testdata/env/1.4.2.env not found (envFile paths are relative to the directory of the spec file)`,
		`dokploy.yaml:9:22: shop/production/application/api: appName: contains " " which Dokploy rejects; use letters, digits, ".", "_" and "-"`,
	}},
}
