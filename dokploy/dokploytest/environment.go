package dokploytest

// environment.create, one, byProjectId, update, remove (API.md §2.2, §3.3,
// §3.4, §4).

func environmentProcedures() []*procedure {
	envID := schema{text("environmentId").min1().req()}
	return []*procedure{
		mutation("environment.create", schema{
			text("name").min1().req(),
			text("description"),
			text("projectId").min1().req(),
		}, environmentCreate),
		query("environment.one", envID, environmentOne),
		query("environment.byProjectId", schema{text("projectId").req()}, environmentByProjectID),
		mutation("environment.update", schema{
			text("environmentId").min1().req(),
			text("name").min1(),
			text("description"),
			text("projectId"),
			text("env"),
		}, environmentUpdate),
		mutation("environment.remove", envID, environmentRemove),
	}
}

func environmentCreate(s *Server, in map[string]any) (any, error) {
	if in["name"] == "production" {
		return nil, errBadRequest("You cannot create a environment with the name 'production'")
	}
	if s.find(projectTable, str(in["projectId"])) == nil {
		return nil, errNotFound("Project not found")
	}
	e := environmentTable.newRow()
	e["environmentId"] = s.newID()
	e["name"] = in["name"]
	e["description"] = in["description"]
	e["createdAt"] = s.timestamp()
	e["projectId"] = in["projectId"]
	s.insert(environmentTable, e)
	s.grantAccess("accessedEnvironments", str(e["environmentId"]))
	return environmentTable.object(e), nil
}

// environmentOne: no createdAt, services without appName, and the project.
func environmentOne(s *Server, in map[string]any) (any, error) {
	e := s.find(environmentTable, str(in["environmentId"]))
	if e == nil {
		return nil, errNotFound("Environment not found")
	}
	o := pick(e, "name", "description", "environmentId", "isDefault", "projectId", "env")
	o = append(o, s.serviceLists(str(e["environmentId"]), servicesDBOrder, viewEnvironment)...)
	return append(o, kv{"project", s.projectObject(str(e["projectId"]))}), nil
}

// environmentByProjectID lists a project's environments in creation order,
// without env, projectId and createdAt; an unknown project gives [].
func environmentByProjectID(s *Server, in map[string]any) (any, error) {
	out := []any{}
	for _, e := range s.where(environmentTable, "projectId", in["projectId"]) {
		o := pick(e, "name", "description", "environmentId", "isDefault")
		o = append(o, s.serviceLists(str(e["environmentId"]), servicesDBOrder, viewByProjectID)...)
		out = append(out, append(o, kv{"project", s.projectObject(str(e["projectId"]))}))
	}
	return out, nil
}

// environmentUpdate keeps omitted keys. Its errors are all re-wrapped as
// 400 "Error updating the environment: ...".
func environmentUpdate(s *Server, in map[string]any) (any, error) {
	fail := func(msg string) error { return errBadRequest("Error updating the environment: %s", msg) }
	e := s.find(environmentTable, str(in["environmentId"]))
	if e == nil {
		return nil, fail("Environment not found")
	}
	if _, renames := in["name"]; renames && e["isDefault"] == true {
		return nil, fail("You cannot rename the default environment")
	}
	if pid, ok := in["projectId"]; ok && s.find(projectTable, str(pid)) == nil {
		return nil, fail("Project not found")
	}
	set(environmentTable, e, in, "environmentId")
	return environmentTable.object(e), nil
}

func environmentRemove(s *Server, in map[string]any) (any, error) {
	e := s.find(environmentTable, str(in["environmentId"]))
	if e == nil {
		return nil, errNotFound("Environment not found")
	}
	if e["isDefault"] == true {
		return nil, errBadRequest("You cannot delete the default environment")
	}
	if s.hasServices(str(e["environmentId"])) {
		return nil, errBadRequest("Cannot delete environment: it has active services. Delete all services first.")
	}
	s.deleteEnvironment(str(e["environmentId"]))
	return environmentTable.object(e), nil
}
