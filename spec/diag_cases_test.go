package spec

// brokenSpecs are specs with known problems and the exact diagnostics Load
// reports for them (Diagnostic.String(), in order). Every rule of the spec
// format is covered by at least one case. They also seed FuzzLoad.
var brokenSpecs = []struct {
	name string
	src  string
	want []string
}{
	// ---- the document ----
	{"empty file", ``, []string{
		`dokploy.yaml: empty file: expected apiVersion and projects`,
	}},
	{"only comments", `
# nothing here yet
`, []string{
		`dokploy.yaml: empty file: expected apiVersion and projects`,
	}},
	{"null document", `
~
`, []string{
		`dokploy.yaml: empty file: expected apiVersion and projects`,
	}},
	{"list document", `
- apiVersion: dokploy-sync/v1
`, []string{
		`dokploy.yaml:1:1: the document must be a mapping with apiVersion and projects, got a list`,
	}},
	{"scalar document", `
hello
`, []string{
		`dokploy.yaml:1:1: the document must be a mapping with apiVersion and projects, got "hello"`,
	}},
	{"syntax error", `
apiVersion: "dokploy-sync/v1
projects: {}
`, []string{
		`dokploy.yaml:1:13: could not find end character of double-quoted text`,
	}},
	{"bad indentation", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    description: x
   environments: {}
`, []string{
		`dokploy.yaml:5:4: value is not allowed in this context`,
	}},
	{"duplicate key", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api: {replicas: 1}
          api: {replicas: 2}
`, []string{
		`dokploy.yaml:8:11: mapping key "api" already defined at [7:11]`,
	}},
	{"unquoted ${VAR} in a flow mapping", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        redis:
          cache: { dockerImage: redis:7, databasePassword: ${REDIS_PASSWORD} }
`, []string{
		`dokploy.yaml:7:61: ',' or '}' must be specified (inside { } or [ ], quote values that use ${...}: "${VAR}")`,
	}},
	{"two documents", `
apiVersion: dokploy-sync/v1
projects: {}
---
apiVersion: dokploy-sync/v1
`, []string{
		`warning: dokploy.yaml:2:11: projects: no projects are declared, so there is nothing to manage`,
		`dokploy.yaml:4:1: a second YAML document: the spec must be a single document (remove the "---" separator)`,
	}},

	// ---- apiVersion and top level ----
	{"missing apiVersion", `
projects:
  shop: {}
`, []string{
		`dokploy.yaml:1:1: apiVersion: required field is missing; add "apiVersion: dokploy-sync/v1" at the top`,
	}},
	{"wrong apiVersion", `
apiVersion: dokploy-sync/v2
projects:
  shop: {}
`, []string{
		`dokploy.yaml:1:13: apiVersion: must be "dokploy-sync/v1", got "dokploy-sync/v2"`,
	}},
	{"apiVersion of the wrong type", `
apiVersion: [dokploy-sync/v1]
projects:
  shop: {}
`, []string{
		`dokploy.yaml:1:13: apiVersion: must be a string, got a list`,
	}},
	{"unknown top-level key", `
apiVersion: dokploy-sync/v1
servers: {}
projects:
  shop: {}
`, []string{
		`dokploy.yaml:2:1: unknown field "servers"; expected one of: apiVersion, projects`,
	}},
	{"misspelt top-level key", `
apiVersion: dokploy-sync/v1
project:
  shop: {}
`, []string{
		`dokploy.yaml:2:1: unknown field "project" (did you mean "projects"?)`,
	}},
	{"projects is a list", `
apiVersion: dokploy-sync/v1
projects:
  - shop
`, []string{
		`dokploy.yaml:3:3: projects: must be a mapping, got a list`,
	}},

	// ---- names ----
	{"bad names", `
apiVersion: dokploy-sync/v1
projects:
  "":
    description: no name
  " shop":
    environments:
      "staging ":
      prod/eu: {}
`, []string{
		`dokploy.yaml:3:3: "": project name must not be empty`,
		`dokploy.yaml:5:3:  shop: project name " shop" must not start or end with spaces; did you mean "shop"?`,
		`dokploy.yaml:7:7:  shop/staging : environment name "staging " must not start or end with spaces; did you mean "staging"?`,
		`warning: dokploy.yaml:8:7:  shop/prod/eu: environment name "prod/eu" contains "/", which makes its address ambiguous in plans and --target`,
	}},

	// ---- unknown keys, wrong types, required fields ----
	{"unknown application fields", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            replica: 2
            image: nginx:1.27
            domains: []
            resources: {memoryLimt: 1Gi}
`, []string{
		`dokploy.yaml:8:13: shop/production/application/api: unknown field "replica" (did you mean "replicas"?)`,
		`dokploy.yaml:9:13: shop/production/application/api: unknown field "image" (the image goes under source: {docker: {image: ...}})`,
		`dokploy.yaml:10:13: shop/production/application/api: unknown field "domains"; expected one of: appName, description, source, command, replicas, resources, env, envFile`,
		`dokploy.yaml:11:25: shop/production/application/api: resources: unknown field "memoryLimt" (did you mean "memoryLimit"?)`,
	}},
	{"misspelt environment kinds", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    enviroments:
      production: {}
    environments:
      production:
        postgresql: {}
        application: {}
        compose: {}
`, []string{
		`dokploy.yaml:4:5: shop: unknown field "enviroments" (did you mean "environments"?)`,
		`dokploy.yaml:8:9: shop/production: unknown field "postgresql" (did you mean "postgres"?)`,
		`dokploy.yaml:9:9: shop/production: unknown field "application" (did you mean "applications"?)`,
		`dokploy.yaml:10:9: shop/production: unknown field "compose"; expected one of: description, env, envFile, applications, postgres, mysql, mariadb, mongo, redis, libsql`,
	}},
	{"wrong types", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    description: [a, b]
    environments:
      production:
        applications:
          api:
            replicas: two
            command: {run: x}
            source: {docker: {image: [nginx]}}
        mongo:
          db:
            dockerImage: mongo:7
            databaseUser: root
            databasePassword: "${DB_PASSWORD}"
            replicaSets: "yes"
            externalPort: 5432.5
      staging: [x]
`, []string{
		`dokploy.yaml:4:18: shop: description: must be a string, got a list`,
		`dokploy.yaml:9:23: shop/production/application/api: replicas: must be an integer, got "two"`,
		`dokploy.yaml:10:22: shop/production/application/api: command: must be a string, got a mapping`,
		`dokploy.yaml:11:38: shop/production/application/api: source.docker.image: must be a string, got a list`,
		`dokploy.yaml:17:26: shop/production/mongo/db: replicaSets: must be true or false, got "yes"`,
		`dokploy.yaml:18:27: shop/production/mongo/db: externalPort: must be an integer, got 5432.5`,
		`dokploy.yaml:19:16: shop/staging: must be a mapping, got a list`,
	}},
	{"integer out of range and ${VAR} in a number", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            replicas: 99999999999999999999
          web:
            replicas: ${REPLICAS}
`, []string{
		`dokploy.yaml:8:23: shop/production/application/api: replicas: must be an integer, got "99999999999999999999"`,
		`dokploy.yaml:10:23: shop/production/application/web: replicas: must be an integer, got "${REPLICAS}" (${VAR} is replaced only in string values)`,
	}},
	{"null where a value is needed", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    description: null
    environments:
      production:
        applications:
          api:
            appName: null
            replicas:
            description: ~
            command: null
            source: null
            resources: null
`, []string{
		`dokploy.yaml:9:22: shop/production/application/api: appName: must be a string, got null (leave the key out to keep the live value)`,
		`dokploy.yaml:10:22: shop/production/application/api: replicas: must be an integer, got null (leave the key out to keep the live value)`,
		`dokploy.yaml:13:21: shop/production/application/api: source: must be a mapping, got null (leave the key out to keep the live value)`,
	}},
	{"missing required application fields", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            source: {docker: {username: bot}}
          web:
            source: {docker: {image: ""}}
          worker:
            source: {}
`, []string{
		`dokploy.yaml:8:22: shop/production/application/api: source.docker.image: required field is missing`,
		`dokploy.yaml:10:38: shop/production/application/web: source.docker.image: must not be empty`,
		`dokploy.yaml:12:21: shop/production/application/worker: source: must set one of: docker`,
	}},
	{"missing required database fields", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        postgres:
          pg: {}
        mysql:
          my: {dockerImage: "", databaseName: shop}
        mariadb:
          maria:
        mongo:
          mg: {dockerImage: mongo:7}
        redis:
          rd: {dockerImage: redis:7}
        libsql:
          ls: {dockerImage: ghcr.io/tursodatabase/libsql-server:v0.24.32}
`, []string{
		`dokploy.yaml:7:11: shop/production/postgres/pg: dockerImage: required field is missing`,
		`dokploy.yaml:7:11: shop/production/postgres/pg: databaseName: required field is missing`,
		`dokploy.yaml:7:11: shop/production/postgres/pg: databaseUser: required field is missing`,
		`dokploy.yaml:7:11: shop/production/postgres/pg: databasePassword: required field is missing`,
		`dokploy.yaml:9:11: shop/production/mysql/my: databaseUser: required field is missing`,
		`dokploy.yaml:9:11: shop/production/mysql/my: databasePassword: required field is missing`,
		`dokploy.yaml:9:29: shop/production/mysql/my: dockerImage: must not be empty`,
		`dokploy.yaml:11:11: shop/production/mariadb/maria: dockerImage: required field is missing`,
		`dokploy.yaml:11:11: shop/production/mariadb/maria: databaseName: required field is missing`,
		`dokploy.yaml:11:11: shop/production/mariadb/maria: databaseUser: required field is missing`,
		`dokploy.yaml:11:11: shop/production/mariadb/maria: databasePassword: required field is missing`,
		`dokploy.yaml:13:11: shop/production/mongo/mg: databaseUser: required field is missing`,
		`dokploy.yaml:13:11: shop/production/mongo/mg: databasePassword: required field is missing`,
		`dokploy.yaml:15:11: shop/production/redis/rd: databasePassword: required field is missing`,
		`dokploy.yaml:17:11: shop/production/libsql/ls: databaseUser: required field is missing`,
		`dokploy.yaml:17:11: shop/production/libsql/ls: databasePassword: required field is missing`,
	}},
	{"unknown database fields", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        redis:
          cache:
            dockerImage: redis:7
            databasePassword: "${DB_PASSWORD}"
            databaseName: cache
            password: x
`, []string{
		`dokploy.yaml:10:13: shop/production/redis/cache: unknown field "databaseName"; expected one of: appName, description, dockerImage, env, envFile, externalPort, databasePassword`,
		`dokploy.yaml:11:13: shop/production/redis/cache: unknown field "password"; expected one of: appName, description, dockerImage, env, envFile, externalPort, databasePassword`,
	}},

	// ---- env and envFile ----
	{"bad env", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    env:
      1ST: x
      "WITH SPACE": y
      LIST: [a]
      MAP: {a: b}
      EMPTY:
      OK_1.x-y: fine
    environments:
      production:
        env: [A=1]
`, []string{
		`dokploy.yaml:5:7: shop: env: invalid variable name "1ST": use letters, digits, "_", "." and "-", not starting with a digit`,
		`dokploy.yaml:6:7: shop: env: invalid variable name "WITH SPACE": use letters, digits, "_", "." and "-", not starting with a digit`,
		`dokploy.yaml:7:13: shop: env.LIST: must be a string, number or boolean, got a list`,
		`dokploy.yaml:8:12: shop: env.MAP: must be a string, number or boolean, got a mapping`,
		`dokploy.yaml:9:13: shop: env.EMPTY: must be a string, number or boolean, got null (write "" for an empty value)`,
		`dokploy.yaml:13:14: shop/production: env: must be a mapping, got a list`,
	}},
	{"bad envFile", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    envFile: env/missing.env
    environments:
      production:
        envFile: [env/ok.env, [nested]]
      staging:
        envFile: {a: b}
      dev:
        envFile: [env/bad-key.env, env/unterminated.env, env/odd-key.env]
`, []string{
		`dokploy.yaml:4:14: shop: envFile "env/missing.env": file testdata/env/missing.env not found (envFile paths are relative to the directory of the spec file)`,
		`dokploy.yaml:7:31: shop/production: envFile: item 2 must be a string, got a list`,
		`dokploy.yaml:9:18: shop/staging: envFile: must be a string or a list of strings, got a mapping`,
		`dokploy.yaml:11:19: shop/dev: envFile "env/bad-key.env": testdata/env/bad-key.env:2: unexpected character "-" in variable name (each line must be KEY=VALUE)`,
		`dokploy.yaml:11:36: shop/dev: envFile "env/unterminated.env": testdata/env/unterminated.env:3: unterminated quoted value`,
		`dokploy.yaml:11:58: shop/dev: envFile "env/odd-key.env": invalid variable name "1ST": use letters, digits, "_", "." and "-", not starting with a digit`,
	}},

	// ---- interpolation ----
	{"malformed interpolation", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    description: "costs ${ per month"
    env:
      A: ${ref:postgres/db.appName}
      B: ${BAD-NAME}
      C: ${}
      D: ${{project.X
      E: "$${LITERAL} and ${{project.X}} are fine"
`, []string{
		`dokploy.yaml:4:18: shop: description: unterminated "${": expected ${NAME} (write $${ for a literal ${)`,
		`dokploy.yaml:6:10: shop: env.A: references (${ref:...}) are not supported yet`,
		`dokploy.yaml:7:10: shop: env.B: invalid variable name "BAD-NAME" in ${...}: a name is letters, digits and _, not starting with a digit (write $${ for a literal ${)`,
		`dokploy.yaml:8:10: shop: env.C: invalid variable name "" in ${...}: a name is letters, digits and _, not starting with a digit (write $${ for a literal ${)`,
		`dokploy.yaml:9:10: shop: env.D: unterminated "${{": Dokploy references look like ${{project.KEY}} (write $${ for a literal ${)`,
	}},
	{"unset variables are warnings", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        postgres:
          db:
            dockerImage: postgres:16
            databaseName: shop
            databaseUser: shop
            databasePassword: ${UNSET_PASSWORD}
        applications:
          api:
            source: {docker: {image: "ghcr.io/acme/api:${UNSET_TAG}"}}
            env:
              DATABASE_URL: postgresql://shop:${UNSET_PASSWORD}@db/shop
`, []string{
		`warning: dokploy.yaml:11:31: shop/production/postgres/db: databasePassword: ${UNSET_PASSWORD} is not set; fields that use it are shown as unknown`,
		`warning: dokploy.yaml:14:38: shop/production/application/api: source.docker.image: ${UNSET_TAG} is not set; fields that use it are shown as unknown`,
	}},
	{"literal secrets are warnings", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            source: {docker: {image: "ghcr.io/acme/api:1", username: bot, password: hunter2}}
        mysql:
          db:
            dockerImage: mysql:8
            databaseName: shop
            databaseUser: shop
            databasePassword: "${DB_PASSWORD}"
            databaseRootPassword: 12345
`, []string{
		`warning: dokploy.yaml:8:85: shop/production/application/api: source.docker.password: the secret is written in the file; use ${VAR} and set VAR in the environment or a --var-file, so that it stays out of git`,
		`warning: dokploy.yaml:15:35: shop/production/mysql/db: databaseRootPassword: the secret is written in the file; use ${VAR} and set VAR in the environment or a --var-file, so that it stays out of git`,
	}},

	// ---- units and resources ----
	{"bad units", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          a: {resources: {memoryLimit: lots}}
          b: {resources: {memoryLimit: 512m}}
          c: {resources: {memoryLimit: 1.5}}
          d: {resources: {memoryLimit: [1Gi]}}
          e: {resources: {cpuLimit: two}}
          f: {resources: {cpuLimit: 0.0000000001}}
          g: {resources: {cpuLimit: "${CPUS}"}}
`, []string{
		`dokploy.yaml:7:40: shop/production/application/a: resources.memoryLimit: must be a size like 512Mi or 1Gi, got "lots"`,
		`dokploy.yaml:8:40: shop/production/application/b: resources.memoryLimit: must be a size like 512Mi or 1Gi, got "512m" (suffixes are Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000))`,
		`dokploy.yaml:9:40: shop/production/application/c: resources.memoryLimit: must be a size like 512Mi or 1Gi, got 1.5 (a plain number is bytes and must be whole)`,
		`dokploy.yaml:10:40: shop/production/application/d: resources.memoryLimit: must be a size like 512Mi or 1Gi, got a list`,
		`dokploy.yaml:11:37: shop/production/application/e: resources.cpuLimit: must be a number of CPUs like 0.5 or 2, or millicores like "500m", got "two"`,
		`dokploy.yaml:12:37: shop/production/application/f: resources.cpuLimit: must be a number of CPUs like 0.5 or 2, or millicores like "500m", got "0.0000000001" (not a whole number of nano-CPUs)`,
		`dokploy.yaml:13:37: shop/production/application/g: resources.cpuLimit: must be a number of CPUs like 0.5 or 2, or millicores like "500m", got "${CPUS}" (${VAR} is replaced only in string values)`,
	}},
	{"resource ranges", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            replicas: -1
            resources:
              memoryLimit: 512Mi
              memoryReservation: 1Gi
              cpuLimit: 500m
              cpuReservation: 1
          web:
            resources: {memoryLimit: 0, cpuLimit: -1, cpuReservation: 0}
`, []string{
		`dokploy.yaml:8:23: shop/production/application/api: replicas: must be >= 0, got -1`,
		`dokploy.yaml:11:34: shop/production/application/api: resources.memoryReservation: must not be more than memoryLimit, got 1Gi > 512Mi`,
		`dokploy.yaml:13:31: shop/production/application/api: resources.cpuReservation: must not be more than cpuLimit, got 1 > 0.5`,
		`dokploy.yaml:15:38: shop/production/application/web: resources.memoryLimit: must be > 0, got 0`,
		`dokploy.yaml:15:51: shop/production/application/web: resources.cpuLimit: must be > 0, got -1`,
		`dokploy.yaml:15:71: shop/production/application/web: resources.cpuReservation: must be > 0, got 0`,
	}},

	// ---- appName ----
	{"appName", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          a: {appName: "shop api"}
          b: {appName: ""}
          c: {appName: a-very-long-prefix-that-goes-on-and-on-past-fifty-six-chars}
          d: {appName: Shop-API}
          e: {appName: shop/api}
        redis:
          cache: {appName: "cache!", dockerImage: redis:7, databasePassword: "${DB_PASSWORD}"}
`, []string{
		`dokploy.yaml:7:24: shop/production/application/a: appName: contains " " which Dokploy rejects; use letters, digits, ".", "_" and "-"`,
		`dokploy.yaml:8:24: shop/production/application/b: appName: must be 1 to 56 characters long (Dokploy appends a 7-character suffix and Docker names are limited to 63), got 0`,
		`dokploy.yaml:9:24: shop/production/application/c: appName: must be 1 to 56 characters long (Dokploy appends a 7-character suffix and Docker names are limited to 63), got 59`,
		`warning: dokploy.yaml:10:24: shop/production/application/d: appName: Dokploy lower-cases the prefix, so "Shop-API" becomes "shop-api"; write it in lower case`,
		`dokploy.yaml:11:24: shop/production/application/e: appName: contains "/" which Dokploy rejects; use letters, digits, ".", "_" and "-"`,
		`dokploy.yaml:13:28: shop/production/redis/cache: appName: contains "!" which Dokploy rejects; use letters, digits, ".", "_" and "-"`,
	}},

	// ---- databases ----
	{"database passwords", `
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
	}},
	{"ports", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        redis:
          rd: {dockerImage: redis:7, databasePassword: "${DB_PASSWORD}", externalPort: 0}
        libsql:
          ls:
            dockerImage: ghcr.io/tursodatabase/libsql-server:v0.24.32
            databaseUser: u
            databasePassword: "${DB_PASSWORD}"
            externalPort: 8080
            externalGRPCPort: 65536
            externalAdminPort: -5
`, []string{
		`dokploy.yaml:7:88: shop/production/redis/rd: externalPort: must be a port between 1 and 65535, got 0`,
		`dokploy.yaml:14:31: shop/production/libsql/ls: externalGRPCPort: must be a port between 1 and 65535, got 65536`,
		`dokploy.yaml:15:32: shop/production/libsql/ls: externalAdminPort: must be a port between 1 and 65535, got -5`,
	}},
	{"libsql nodes", `
apiVersion: dokploy-sync/v1
x-libsql: &libsql
  dockerImage: ghcr.io/tursodatabase/libsql-server:v0.24.32
  databaseUser: u
  databasePassword: "${DB_PASSWORD}"
projects:
  shop:
    environments:
      production:
        libsql:
          a: {<<: *libsql, sqldNode: leader}
          b: {<<: *libsql, sqldNode: replica}
          c: {<<: *libsql, sqldNode: primary, sqldPrimaryUrl: "http://primary:8080"}
          d: {<<: *libsql, sqldPrimaryUrl: "http://primary:8080"}
          e: {<<: *libsql, sqldNode: replica, sqldPrimaryUrl: "http://primary:8080"}
          f: {<<: *libsql, sqldNode: primary, sqldPrimaryUrl: null}
`, []string{
		`dokploy.yaml:11:38: shop/production/libsql/a: sqldNode: must be "primary" or "replica", got "leader"`,
		`dokploy.yaml:12:38: shop/production/libsql/b: sqldPrimaryUrl: required when sqldNode is "replica"; set it to the primary's URL`,
		`dokploy.yaml:13:63: shop/production/libsql/c: sqldPrimaryUrl: must only be set when sqldNode is "replica" (sqldNode is "primary"); remove it or set sqldNode: replica`,
		`dokploy.yaml:14:44: shop/production/libsql/d: sqldPrimaryUrl: must only be set when sqldNode is "replica" (sqldNode is "primary"); remove it or set sqldNode: replica`,
	}},

	// ---- YAML features ----
	{"anchors, aliases and tags", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          api:
            description: !!binary aGVsbG8=
            command: *nowhere
            source: {docker: {<<: 5, image: nginx}}
`, []string{
		`dokploy.yaml:8:26: shop/production/application/api: description: unsupported YAML tag "!!binary"`,
		`dokploy.yaml:9:22: shop/production/application/api: command: alias *nowhere refers to no anchor defined before it`,
		`dokploy.yaml:10:35: shop/production/application/api: source.docker: <<: must be a mapping or a list of mappings, got 5`,
	}},
	{"applications is a list", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          - name: api
`, []string{
		`dokploy.yaml:7:11: shop/production: applications: must be a mapping, got a list`,
	}},
	{"every error in one run", `
apiVersion: dokploy-sync/v0
projects:
  shop:
    environments:
      production:
        applications:
          api:
            replicas: -3
            source: {docker: {imag: nginx}}
        postgres:
          db:
            dockerImage: postgres:16
            databaseName: shop
            databaseUser: shop
            databasePassword: "${SPACEY}"
            externalPort: 99999
`, []string{
		`dokploy.yaml:1:13: apiVersion: must be "dokploy-sync/v1", got "dokploy-sync/v0"`,
		`dokploy.yaml:8:23: shop/production/application/api: replicas: must be >= 0, got -3`,
		`dokploy.yaml:9:31: shop/production/application/api: source.docker: unknown field "imag" (did you mean "image"?)`,
		`dokploy.yaml:15:31: shop/production/postgres/db: databasePassword: contains " " which Dokploy rejects; allowed are letters, digits and @#%^&*()_+-=[]{}|;:,.<>?~` + "`",
		`dokploy.yaml:16:27: shop/production/postgres/db: externalPort: must be a port between 1 and 65535, got 99999`,
	}},
}

// moreBrokenSpecs are appended to brokenSpecs (kept apart for readability).
var moreBrokenSpecs = []struct {
	name string
	src  string
	want []string
}{
	{"missing projects", `
apiVersion: dokploy-sync/v1
`, []string{
		`dokploy.yaml:1:1: projects: required field is missing`,
	}},
	{"environment null and databases as a scalar", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        postgres: db
`, []string{
		`dokploy.yaml:6:19: shop/production: postgres: must be a mapping, got "db"`,
	}},
	{"empty envFile path", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    envFile: ["", env/ok.env]
`, []string{
		`dokploy.yaml:4:15: shop: envFile: the path must not be empty`,
	}},
	{"non-scalar key", `
apiVersion: dokploy-sync/v1
projects:
  shop:
    env:
      ? [a, b]
      : c
`, []string{
		`dokploy.yaml:6:7: found an invalid key for this map`,
	}},
}

func init() { brokenSpecs = append(brokenSpecs, moreBrokenSpecs...) }
