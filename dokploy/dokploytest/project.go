package dokploytest

// project.all, one, create, update, remove (API.md §2.1, §3.1, §3.2).

func projectProcedures() []*procedure {
	projectID := schema{text("projectId").min1().req()}
	return []*procedure{
		query("project.all", nil, projectAll),
		query("project.one", projectID, projectOne),
		mutation("project.create", schema{
			text("name").min1().req(),
			text("description").null(),
			text("env"),
		}, projectCreate),
		mutation("project.update", schema{
			text("projectId").min1().req(),
			text("name").min1(),
			text("description").null(),
			text("createdAt"),
			text("organizationId"),
			text("env"),
		}, projectUpdate),
		mutation("project.remove", projectID, projectRemove),
	}
}

// projectAll lists the projects, newest first, with environments that carry
// only service ids for databases.
func projectAll(s *Server, _ map[string]any) (any, error) {
	out := []any{}
	for _, p := range newestFirst(s.rows(projectTable)) {
		envs := []any{}
		for _, e := range s.where(environmentTable, "projectId", p["projectId"]) {
			o := pick(e, "name", "environmentId", "isDefault")
			envs = append(envs, append(o, s.serviceLists(str(e["environmentId"]), servicesDBOrder, viewAll)...))
		}
		o := projectTable.object(p)
		out = append(out, append(o, kv{"environments", envs}, kv{"projectTags", s.projectTags(p["projectId"])}))
	}
	return out, nil
}

func projectOne(s *Server, in map[string]any) (any, error) {
	p := s.find(projectTable, str(in["projectId"]))
	if p == nil {
		return nil, errNotFound("Project not found")
	}
	envs := []any{}
	for _, e := range s.where(environmentTable, "projectId", p["projectId"]) {
		o := environmentTable.object(e)
		envs = append(envs, append(o, s.serviceLists(str(e["environmentId"]), servicesAlphaOrder, viewProject)...))
	}
	o := projectTable.object(p)
	return append(o, kv{"environments", envs}, kv{"projectTags", s.projectTags(p["projectId"])}), nil
}

// projectCreate creates the project and its default environment
// "production" and answers {project, environment}.
func projectCreate(s *Server, in map[string]any) (any, error) {
	p := projectTable.newRow()
	p["projectId"] = s.newID()
	p["name"] = in["name"]
	p["description"] = in["description"]
	p["createdAt"] = s.timestamp()
	p["organizationId"] = s.st.OrganizationID
	if env, ok := in["env"]; ok {
		p["env"] = env
	}
	s.insert(projectTable, p)

	e := environmentTable.newRow()
	e["environmentId"] = s.newID()
	e["name"] = "production"
	e["description"] = "Production environment"
	e["createdAt"] = s.timestamp()
	e["projectId"] = p["projectId"]
	e["isDefault"] = true
	s.insert(environmentTable, e)

	s.grantAccess("accessedProjects", str(p["projectId"]))
	s.grantAccess("accessedEnvironments", str(e["environmentId"]))
	return object{{"project", projectTable.object(p)}, {"environment", environmentTable.object(e)}}, nil
}

// projectUpdate keeps omitted keys and answers the updated row.
func projectUpdate(s *Server, in map[string]any) (any, error) {
	p := s.find(projectTable, str(in["projectId"]))
	if p == nil {
		return nil, errNotFound("Project not found")
	}
	set(projectTable, p, in, "projectId")
	return projectTable.object(p), nil
}

// projectRemove deletes the project with everything in it (the API does not
// refuse a non-empty project) and answers the deleted row.
func projectRemove(s *Server, in map[string]any) (any, error) {
	p := s.find(projectTable, str(in["projectId"]))
	if p == nil {
		return nil, errNotFound("Project not found")
	}
	for _, e := range s.where(environmentTable, "projectId", p["projectId"]) {
		s.deleteEnvironment(str(e["environmentId"]))
	}
	s.deleteWhere(projectTable, "projectId", p["projectId"])
	s.deleteWhere(projectTagTable, "projectId", p["projectId"])
	return projectTable.object(p), nil
}
