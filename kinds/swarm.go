package kinds

// Swarm is the Docker swarm settings of an application or a database
// (captures 533-542): the "Swarm Settings" of Dokploy's Advanced tab,
// under swarm: in the file. Dokploy keeps each in a column of its own
// (healthCheckSwarm, ...) in the form of the Docker Engine API, which it
// passes to the service's spec when it deploys: PascalCase keys (the API
// names here; the file's are camelCase) and durations in nanoseconds (30s
// in the file). The objects are strict (an unknown key is refused, capture
// 537), so only the keys described are ever sent; each is replaced whole,
// so each is compared whole: a key the file leaves out of an object is
// unset. null clears an object (capture 535).
//
// Not described: endpointSpecSwarm (ports are described by ports:) and
// ulimitsSwarm (libsql has no such column).
var Swarm = &Kind{
	Name: "swarm", Key: "swarm", Parents: append([]string{"application"}, DatabaseKinds...),
	Doc:       "Docker swarm settings of the service, in the Docker Engine API's terms (camelCase keys, durations like 30s); each is replaced whole.",
	Singleton: true,
	Deploy:    true,
	Fields: []*Field{
		{Name: "healthCheck", API: "healthCheckSwarm", Type: Object, Nullable: true,
			Doc: "The container's health check, replacing the image's; null removes it.", Fields: []*Field{
				{Name: "test", API: "Test", Type: Strings, Doc: `The check: ["CMD", "curl", "-f", "http://localhost/"], ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], or ["NONE"] to disable the image's.`},
				{Name: "interval", API: "Interval", Type: Duration, Doc: "The time between two checks."},
				{Name: "timeout", API: "Timeout", Type: Duration, Doc: "How long a check may run before it counts as failed."},
				{Name: "startPeriod", API: "StartPeriod", Type: Duration, Doc: "How long the container may take to start before failed checks count."},
				{Name: "retries", API: "Retries", Type: Int, Min: 0, Max: 1 << 20, Doc: "How many failed checks in a row make the container unhealthy."},
			}},
		{Name: "restartPolicy", API: "restartPolicySwarm", Type: Object, Nullable: true,
			Doc: "When swarm restarts the service's containers; null removes it.", Fields: []*Field{
				{Name: "condition", API: "Condition", Type: String, Enum: []string{"none", "on-failure", "any"}, Doc: "When to restart: none, on-failure or any (Docker's default)."},
				{Name: "delay", API: "Delay", Type: Duration, Doc: "The time between two restart attempts."},
				{Name: "maxAttempts", API: "MaxAttempts", Type: Int, Min: 0, Max: 1 << 20, Doc: "How many restarts are attempted within window; 0 for no limit."},
				{Name: "window", API: "Window", Type: Duration, Doc: "The time over which restarts are counted."},
			}},
		{Name: "placement", API: "placementSwarm", Type: Object, Nullable: true,
			Doc: "Which nodes the service's containers run on; null removes it (Dokploy then keeps a service with mounts on a manager).", Fields: []*Field{
				{Name: "constraints", API: "Constraints", Type: Strings, Doc: "Node constraints: node.role==manager, node.labels.zone==eu."},
				{Name: "preferences", API: "Preferences", Type: Objects, Doc: "How containers are spread over the nodes.", Fields: []*Field{
					{Name: "spread", API: "Spread", Type: Object, Required: true, Doc: "Spread the containers evenly over the values of a node label.", Fields: []*Field{
						{Name: "spreadDescriptor", API: "SpreadDescriptor", Type: String, Required: true, Doc: "The label: node.labels.zone."},
					}},
				}},
				{Name: "maxReplicas", API: "MaxReplicas", Type: Int, Min: 0, Max: 1 << 20, Doc: "At most this many containers of the service on one node; 0 for no limit."},
				{Name: "platforms", API: "Platforms", Type: Objects, Doc: "The platforms the image runs on.", Fields: []*Field{
					{Name: "architecture", API: "Architecture", Type: String, Required: true, Doc: "The CPU architecture: amd64, arm64."},
					{Name: "os", API: "OS", Type: String, Required: true, Doc: "The operating system: linux."},
				}},
			}},
		{Name: "updateConfig", API: "updateConfigSwarm", Type: Object, Nullable: true,
			Doc: "How swarm replaces the service's containers on a deploy; null removes it.", Fields: updateFields("rollback")},
		{Name: "rollbackConfig", API: "rollbackConfigSwarm", Type: Object, Nullable: true,
			Doc: "How swarm rolls the service back after a failed update; null removes it.", Fields: updateFields("")},
		{Name: "mode", API: "modeSwarm", Type: Object, Nullable: true,
			Doc: "The service's mode: replicated (with replicas, overriding the service's replicas) or global (one container on every node); null removes it.", Fields: []*Field{
				{Name: "replicated", API: "Replicated", Type: Object, Doc: "A given number of containers.", Fields: []*Field{
					{Name: "replicas", API: "Replicas", Type: Int, Min: 0, Max: 1 << 20, Doc: "How many containers."},
				}},
				{Name: "global", API: "Global", Type: Object, Doc: "One container on every node: global: {}."},
				{Name: "replicatedJob", API: "ReplicatedJob", Type: Object, Doc: "A job run to completion a given number of times.", Fields: []*Field{
					{Name: "maxConcurrent", API: "MaxConcurrent", Type: Int, Min: 0, Max: 1 << 20, Doc: "How many containers run at once."},
					{Name: "totalCompletions", API: "TotalCompletions", Type: Int, Min: 0, Max: 1 << 20, Doc: "How many completions end the job."},
				}},
				{Name: "globalJob", API: "GlobalJob", Type: Object, Doc: "A job run to completion once on every node: globalJob: {}."},
			}},
		{Name: "labels", API: "labelsSwarm", Type: Map, Nullable: true, Doc: "Labels of the swarm service (not of its containers)."},
		{Name: "networks", API: "networkSwarm", Type: Objects, Nullable: true, Doc: "The networks the service is attached to, instead of dokploy-network and the networks chosen in Dokploy: list dokploy-network too for Traefik to reach it.", Fields: []*Field{
			{Name: "target", API: "Target", Type: String, Required: true, Doc: "The network's name or id."},
			{Name: "aliases", API: "Aliases", Type: Strings, Doc: "The service's other names on the network."},
			{Name: "driverOpts", API: "DriverOpts", Type: Map, Doc: "Options of the network driver."},
		}},
		{Name: "stopGracePeriod", API: "stopGracePeriodSwarm", Type: Duration, Nullable: true,
			Doc: "How long a container may take to stop before it is killed; null for Docker's default (10s)."},
	},
}

// updateFields are the fields of an updateConfig or a rollbackConfig; the
// failure action of an update may also be rollback (extra).
func updateFields(extra string) []*Field {
	actions := []string{"continue", "pause"}
	if extra != "" {
		actions = append(actions, extra)
	}
	return []*Field{
		{Name: "parallelism", API: "Parallelism", Type: Int, Required: true, Min: 0, Max: 1 << 20, Doc: "How many containers are replaced at once; 0 for all."},
		{Name: "delay", API: "Delay", Type: Duration, Doc: "The time between two batches."},
		{Name: "failureAction", API: "FailureAction", Type: String, Enum: actions, Doc: "What a failed container does: " + joinOr(actions) + "."},
		{Name: "monitor", API: "Monitor", Type: Duration, Doc: "How long a new container is watched for a failure."},
		{Name: "maxFailureRatio", API: "MaxFailureRatio", Type: Number, Min: 0, Max: 1, Doc: "The share of containers that may fail before the failure action: 0 to 1."},
		{Name: "order", API: "Order", Type: String, Required: true, Enum: []string{"stop-first", "start-first"}, Doc: "stop-first stops the old container first, start-first starts the new one first."},
	}
}

// joinOr joins words as "a, b or c".
func joinOr(words []string) string {
	out := ""
	for i, w := range words {
		switch {
		case i == 0:
		case i == len(words)-1:
			out += " or "
		default:
			out += ", "
		}
		out += w
	}
	return out
}
