package dokploytest

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
)

// compose.create, one, update, saveEnvironment, delete, deploy, redeploy,
// start, stop, loadServices (API.md §2.4, §3.6, QUIRKS CO1-CO16, captures
// 086-093, 126, 301-310, 320). Compose stacks have no save*Provider
// procedures: their source settings all go through compose.update.

var (
	composeSourceTypes = []string{"git", "github", "gitlab", "bitbucket", "gitea", "raw"}
	composeTypes       = []string{"docker-compose", "stack"}
	composeIDOnly      = schema{text("composeId").min1().req()}
)

// composeUpdateSchema is apiUpdateCompose: the id and a partial of every
// column except serverId. Strings that are not nullable (command, suffix,
// composeFile) refuse null, name and composePath refuse "" too, and the
// NOT NULL booleans take REST's Boolean(null), false (QUIRKS CO5, CO7).
func composeUpdateSchema() schema {
	return concat(
		[]field{text("composeId").req(), text("name").min1(), appNameField()},
		nullTexts("description", "env"),
		[]field{text("composeFile"), text("refreshToken").null(), enum("sourceType", composeSourceTypes...),
			enum("composeType", composeTypes...)},
		nullTexts("repository", "owner", "branch"),
		[]field{boolean("autoDeploy").null(), num("gitlabProjectId").null()},
		nullTexts("gitlabRepository", "gitlabOwner", "gitlabBranch", "gitlabPathNamespace",
			"bitbucketRepository", "bitbucketRepositorySlug", "bitbucketOwner", "bitbucketBranch",
			"giteaRepository", "giteaOwner", "giteaBranch", "customGitUrl", "customGitBranch", "customGitSSHKeyId"),
		[]field{text("command"), boolean("createEnvFile"), boolean("enableSubmodules"), text("composePath").min1(),
			text("suffix"), boolean("randomize"), boolean("isolatedDeployment"), boolean("isolatedDeploymentsVolume"),
			enum("triggerType", "push", "tag").null(), enum("composeStatus", serviceStatuses...),
			text("icon").lenRange(0, 2097152).messages("", "Icon must be less than 2MB").null(),
			text("environmentId"), text("createdAt"), strArr("watchPaths").null()},
		nullTexts("githubId", "gitlabId", "bitbucketId", "giteaId"),
		[]field{objArr("serviceNetworks").null()},
	)
}

func composeProcedures() []*procedure {
	deployInput := schema{text("composeId").min1().req(), text("title"), text("description")}
	return []*procedure{
		mutation("compose.create", schema{
			text("name").min1().req(),
			text("description").null(),
			text("environmentId").req(),
			enum("composeType", composeTypes...),
			appNameField(),
			text("serverId").null(),
			text("composeFile"),
			enum("sourceType", composeSourceTypes...),
		}, composeCreate),
		query("compose.one", composeIDOnly, func(s *Server, in map[string]any) (any, error) {
			c, err := s.compose(in)
			if err != nil {
				return nil, err
			}
			return s.composeObject(c, true), nil
		}),
		mutation("compose.update", composeUpdateSchema(), composeUpdate),
		mutation("compose.saveEnvironment", schema{
			text("composeId").nonopt(),
			text("env").null().nonopt(),
			boolean("createEnvFile"),
		}, composeSaveEnvironment),
		// deleteVolumes is required; REST's Boolean(undefined) lets it be
		// omitted there (QUIRKS CO12), the tRPC face refuses that.
		mutation("compose.delete", schema{
			text("composeId").min1().req(),
			boolean("deleteVolumes").req(),
		}, composeDelete),
		mutation("compose.deploy", deployInput, composeDeploy("Manual deployment", "Deployment queued")),
		mutation("compose.redeploy", deployInput, composeDeploy("Rebuild deployment", "Redeployment queued")),
		mutation("compose.start", composeIDOnly, composeStart),
		mutation("compose.stop", composeIDOnly, composeStop),
		query("compose.loadServices", schema{
			text("composeId").min1().req(),
			enum("type", "fetch", "cache").dflt("cache"),
		}, composeLoadServices),
	}
}

// compose finds the compose of in["composeId"].
func (s *Server) compose(in map[string]any) (row, error) {
	c := s.find(composeTable, str(in["composeId"]))
	if c == nil {
		return nil, errNotFound("Compose not found")
	}
	return c, nil
}

// composeObject is the compose with its relations, as compose.one answers
// it (withAccess) or compose.delete returns it (findComposeById), the git
// provider relations with their secrets.
func (s *Server) composeObject(c row, withAccess bool) object {
	id := c["composeId"]
	children := func(t *tableDef) []any { return objects(t, s.where(t, "composeId", id)) }
	git := s.gitRelations(c, true)
	o := composeTable.object(c)
	o = append(o,
		kv{"environment", s.environmentWithProject(str(c["environmentId"]))},
		kv{"deployments", children(deploymentTable)},
		kv{"mounts", children(mountTable)},
		kv{"domains", children(domainTable)},
		kv{"github", git["github"]}, kv{"gitlab", git["gitlab"]}, kv{"bitbucket", git["bitbucket"]}, kv{"gitea", git["gitea"]},
		kv{"server", s.serverRow(c["serverId"])},
		kv{"backups", s.backupsOf(composeTable, id)},
	)
	if withAccess {
		o = append(o, kv{"hasGitProviderAccess", true}, kv{"unauthorizedProvider", nil})
	}
	return o
}

// composeCreate answers the new row. The appName gets the random suffix
// like an application's, but compose appNames are not checked for
// uniqueness (API.md §5).
func composeCreate(s *Server, in map[string]any) (any, error) {
	if s.find(environmentTable, str(in["environmentId"])) == nil {
		return nil, errNotFound("Environment not found")
	}
	if err := s.checkServer(in); err != nil {
		return nil, err
	}
	c := composeTable.newRow()
	set(composeTable, c, in, "appName")
	c["composeId"] = s.newID()
	c["appName"] = s.buildAppName("compose", in["appName"])
	c["refreshToken"] = s.newID()
	c["createdAt"] = s.timestamp()
	c["serverId"] = serverID(in)
	s.insert(composeTable, c)
	s.grantAccess("accessedServices", str(c["composeId"]))
	return composeTable.object(c), nil
}

// composeUpdate keeps omitted keys, ignores appName and answers the
// updated row without relations. A key that names a missing row (an
// environment, a git provider, an SSH key) fails in the database.
func composeUpdate(s *Server, in map[string]any) (any, error) {
	c, err := s.compose(in)
	if err != nil {
		return nil, err
	}
	values := map[string]any{}
	for k, v := range in {
		if k != "appName" && composeTable.has(k) {
			values[k] = v
		}
	}
	if s.danglingRef(values) != "" {
		return nil, errInternal("%s", failedUpdate(composeTable, c["composeId"], values))
	}
	set(composeTable, c, values)
	return composeTable.object(c), nil
}

// composeSaveEnvironment replaces env; createEnvFile is written only when
// sent.
func composeSaveEnvironment(s *Server, in map[string]any) (any, error) {
	c, err := s.compose(in)
	if err != nil {
		return nil, err
	}
	set(composeTable, c, in, "composeId")
	return true, nil
}

// composeDelete answers the compose as it was and deletes it with its
// domains, mounts and deployments. The fake has no containers or volumes,
// so deleteVolumes changes nothing.
func composeDelete(s *Server, in map[string]any) (any, error) {
	c, err := s.compose(in)
	if err != nil {
		return nil, err
	}
	before := s.composeObject(c, false)
	s.deleteService(composeTable, str(c["composeId"]))
	return before, nil
}

// composeDeploy queues a deployment like application.deploy does, writes
// the compose file the deployment uses (what loadServices type=cache reads
// afterwards) and answers {success, message, composeId}.
func composeDeploy(defaultTitle, message string) func(*Server, map[string]any) (any, error) {
	return func(s *Server, in map[string]any) (any, error) {
		c, err := s.compose(in)
		if err != nil {
			return nil, err
		}
		title := str(in["title"])
		if title == "" {
			title = defaultTitle
		}
		s.st.Files[str(c["composeId"])] = str(c["composeFile"])
		s.startDeployment(composeTable, c, title, str(in["description"]))
		return object{{"success", true}, {"message", message}, {"composeId", c["composeId"]}}, nil
	}
}

// composeStart and composeStop (services/compose.ts startCompose,
// stopCompose) run docker compose up -d (a stack: nothing) or docker
// compose stop (a stack: docker stack rm) and answer true. With
// Options.DeployError the command fails with execAsync's message: a failed
// start leaves the compose idle, a failed stop sets it to error.
func composeStart(s *Server, in map[string]any) (any, error) {
	c, err := s.compose(in)
	if err != nil {
		return nil, err
	}
	if msg := s.opts.DeployError; msg != "" && c["composeType"] == "docker-compose" {
		path := str(c["composePath"])
		if c["sourceType"] == "raw" {
			path = "docker-compose.yml"
		}
		c["composeStatus"] = "idle"
		return nil, errInternal("Command execution failed: Command failed: env -i PATH=\"$PATH\" docker compose -p %s -f %s up -d\n%s", c["appName"], path, msg)
	}
	c["composeStatus"] = "done"
	return true, nil
}

func composeStop(s *Server, in map[string]any) (any, error) {
	c, err := s.compose(in)
	if err != nil {
		return nil, err
	}
	if msg := s.opts.DeployError; msg != "" {
		cmd := fmt.Sprintf(`env -i PATH="$PATH" docker compose -p %s stop`, c["appName"])
		if c["composeType"] == "stack" {
			cmd = fmt.Sprintf("docker stack rm %s", c["appName"])
		}
		c["composeStatus"] = "error"
		return nil, errInternal("Command execution failed: Command failed: %s\n%s", cmd, msg)
	}
	c["composeStatus"] = "idle"
	return true, nil
}

// composeLoadServices lists the service names of the compose file on disk:
// type=cache reads the file the last deploy wrote, so it is 404 "Services
// not found" until a first deploy (capture 302); type=fetch writes the
// file first. The fake has no git: a git-sourced compose stands for a
// repository holding its stored composeFile. With randomize, the names
// carry the suffix.
func composeLoadServices(s *Server, in map[string]any) (any, error) {
	c, err := s.compose(in)
	if err != nil {
		return nil, err
	}
	id := str(c["composeId"])
	if in["type"] == "fetch" {
		s.st.Files[id] = str(c["composeFile"])
	}
	file, ok := s.st.Files[id]
	if !ok {
		return nil, errNotFound("Services not found")
	}
	names, err := composeServiceNames(file)
	if err != nil {
		return nil, errInternal("%s", err.Error())
	}
	if names == nil {
		return nil, errNotFound("Services not found")
	}
	out := make([]any, len(names))
	for i, n := range names {
		if suffix := str(c["suffix"]); c["randomize"] == true && suffix != "" {
			n += "-" + suffix
		}
		out[i] = n
	}
	return out, nil
}

// composeServiceNames returns Object.keys() of the file's top-level
// services mapping, or nil when the file has none.
func composeServiceNames(file string) ([]string, error) {
	var doc any
	if err := yaml.UnmarshalWithOptions([]byte(file), &doc, yaml.UseOrderedMap()); err != nil {
		return nil, err
	}
	top, ok := doc.(yaml.MapSlice)
	if !ok {
		return nil, nil
	}
	for _, item := range top {
		if fmt.Sprint(item.Key) != "services" {
			continue
		}
		switch services := item.Value.(type) {
		case yaml.MapSlice:
			keys := make([]string, len(services))
			for i, svc := range services {
				keys[i] = fmt.Sprint(svc.Key)
			}
			return jsObjectKeys(keys), nil
		case []any:
			keys := make([]string, len(services))
			for i := range services {
				keys[i] = strconv.Itoa(i)
			}
			return keys, nil
		case nil:
			return nil, nil
		default:
			return []string{}, nil
		}
	}
	return nil, nil
}

// jsObjectKeys orders keys like JavaScript's Object.keys: array-index keys
// first in ascending order, then the others in insertion order.
func jsObjectKeys(keys []string) []string {
	indices, others := []string{}, []string{}
	for _, k := range keys {
		if n, err := strconv.ParseUint(k, 10, 32); err == nil && n < 1<<32-1 && strconv.FormatUint(n, 10) == k {
			indices = append(indices, k)
		} else {
			others = append(others, k)
		}
	}
	sort.SliceStable(indices, func(i, j int) bool {
		a, _ := strconv.ParseUint(indices[i], 10, 32)
		b, _ := strconv.ParseUint(indices[j], 10, 32)
		return a < b
	})
	return append(indices, others...)
}

// --- the deployment log of a compose (utils/builders/compose.ts) ---

// composeCommand is createCommand: the docker arguments of the deploy.
func composeCommand(c row) string {
	if cmd := str(c["command"]); cmd != "" {
		return sanitizeCommand(cmd)
	}
	appName := str(c["appName"])
	path := str(c["composePath"])
	if c["sourceType"] == "raw" {
		path = "docker-compose.yml"
	}
	switch c["composeType"] {
	case "docker-compose":
		return fmt.Sprintf("compose -p %s -f %s up -d --build --remove-orphans", appName, path)
	case "stack":
		return fmt.Sprintf("stack deploy -c %s %s --prune", path, appName)
	}
	return ""
}

var (
	jsWhiteSpace = regexp.MustCompile(`[\s\v\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]+`) // JavaScript's \s
	quotedArg    = regexp.MustCompile(`^"(.*)"$`)
)

// sanitizeCommand trims the command, splits it on white space and strips
// the double quotes around each argument.
func sanitizeCommand(cmd string) string {
	parts := jsWhiteSpace.Split(jsTrim(cmd), -1)
	for i, p := range parts {
		parts[i] = quotedArg.ReplaceAllString(p, "$1")
	}
	return strings.Join(parts, " ")
}

// dockerCommands are the docker CLI's top-level commands. A compose
// command override runs as `docker <command>`: anything else fails the
// deploy (QUIRKS CO10).
var dockerCommands = strings.Fields(`attach build builder buildx checkpoint commit compose config container
	context cp create diff events exec export history image images import info init inspect kill load login
	logout logs manifest network node pause plugin port ps pull push rename restart rm rmi run save search
	secret service stack start stats stop swarm system tag top trust unpause update version volume wait`)

// composeDeployLog is what a compose deployment appends to its log after
// "Initializing deployment", and its final status: the compose file (raw
// sources), the summary box, then docker's outcome.
func (s *Server) composeDeployLog(c row) (string, string) {
	var b strings.Builder
	sourceType := str(c["sourceType"])
	if sourceType == "raw" {
		b.WriteString("File 'docker-compose.yml' created: ✅\n")
	}
	command := composeCommand(c)
	b.WriteString(logBox([]string{
		"",
		"App Name: " + str(c["appName"]),
		"Build Compose 🐳",
		fmt.Sprintf("Detected: %d mounts 📂", len(s.where(mountTable, "composeId", c["composeId"]))),
		"Command: docker " + command,
		"Source Type: docker " + sourceType + " ✅",
		"Compose Type: " + str(c["composeType"]) + " ✅",
	}, 80))
	failure := s.opts.DeployError
	if sub, _, _ := strings.Cut(command, " "); !contains(dockerCommands, sub) {
		failure = fmt.Sprintf("docker: '%s' is not a docker command.\nSee 'docker --help'\n", sub)
	}
	if failure == "" {
		b.WriteString("Docker Compose Deployed: ✅\n")
		return b.String(), "done"
	}
	b.WriteString(failure)
	if !strings.HasSuffix(failure, "\n") {
		b.WriteString("\n")
	}
	b.WriteString("Error: ❌ Docker command failed\n\nError occurred ❌, check the logs for details.\n")
	return b.String(), "error"
}

// logBox draws lines in a double-bordered box of the given width with one
// column of padding left and right and one empty line at the bottom, like
// boxen; long lines are word-wrapped like wrap-ansi's {hard: true}.
func logBox(lines []string, width int) string {
	inner := width - 2
	content := inner - 2
	var rows []string
	for _, l := range lines {
		rows = append(rows, wrapLine(l, content)...)
	}
	rows = append(rows, "")
	var b strings.Builder
	b.WriteString("╔" + strings.Repeat("═", inner) + "╗\n")
	for _, r := range rows {
		b.WriteString("║ " + r + strings.Repeat(" ", max(0, content-displayWidth(r))) + " ║\n")
	}
	b.WriteString("╚" + strings.Repeat("═", inner) + "╝\n")
	return b.String()
}

// wrapLine is wrap-ansi's word wrap with hard breaks and trimming.
func wrapLine(line string, columns int) []string {
	rows := []string{""}
	last := func() int { return len(rows) - 1 }
	for i, word := range strings.Split(line, " ") {
		rows[last()] = strings.TrimLeft(rows[last()], " ")
		rowLen := displayWidth(rows[last()])
		if i != 0 && rowLen > 0 {
			rows[last()] += " "
			rowLen++
		}
		wordLen := displayWidth(word)
		if wordLen > columns {
			remaining := columns - rowLen
			breaksThisLine := 1 + (wordLen-remaining-1)/columns
			breaksNextLine := (wordLen - 1) / columns
			if breaksNextLine < breaksThisLine {
				rows = append(rows, "")
			}
			rows = wrapWord(rows, word, columns)
			continue
		}
		if rowLen+wordLen > columns && rowLen > 0 && wordLen > 0 {
			rows = append(rows, "")
		}
		rows[last()] += word
	}
	for i, r := range rows {
		rows[i] = strings.TrimRight(r, " ")
	}
	return rows
}

// wrapWord breaks a word longer than a row over several rows.
func wrapWord(rows []string, word string, columns int) []string {
	visible := displayWidth(rows[len(rows)-1])
	chars := []rune(word)
	for i, ch := range chars {
		w := runeWidth(ch)
		if visible+w <= columns {
			rows[len(rows)-1] += string(ch)
		} else {
			rows = append(rows, string(ch))
			visible = 0
		}
		visible += w
		if visible == columns && i < len(chars)-1 {
			rows = append(rows, "")
			visible = 0
		}
	}
	if visible == 0 && len(rows[len(rows)-1]) > 0 && len(rows) > 1 {
		rows[len(rows)-2] += rows[len(rows)-1]
		rows = rows[:len(rows)-1]
	}
	return rows
}

// displayWidth is string-width: the terminal columns of s.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is 2 for wide characters (emoji, CJK), 0 for combining marks
// and joiners, 1 otherwise.
func runeWidth(r rune) int {
	switch {
	case r == 0x200D || (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0x0300 && r <= 0x036F):
		return 0
	case r >= 0x1F300 && r <= 0x1FAFF, r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF,
		r >= 0xAC00 && r <= 0xD7A3, r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F,
		r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6, r >= 0x20000 && r <= 0x3FFFD:
		return 2
	}
	switch r { // emoji presentation in the symbol blocks
	case 0x231A, 0x231B, 0x23E9, 0x23EA, 0x23EB, 0x23EC, 0x23F0, 0x23F3, 0x25FD, 0x25FE, 0x2614, 0x2615,
		0x267F, 0x2693, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26D4, 0x26EA,
		0x26F2, 0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A, 0x270B, 0x2728, 0x274C, 0x274E, 0x2753,
		0x2754, 0x2755, 0x2757, 0x2795, 0x2796, 0x2797, 0x27B0, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B55:
		return 2
	}
	if r >= 0x2648 && r <= 0x2653 {
		return 2
	}
	return 1
}
