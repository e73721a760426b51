package dokploytest

// FinishDeployments ends every running application and compose deployment
// now, as its Options.DeployDuration timer would (done, or error with
// Options.DeployError), and returns how many it ended; their timers then
// find nothing left to do. Tests use it to end deployments at a chosen
// moment without waiting in real time.
func (s *Server) FinishDeployments() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var running []string
	for _, d := range s.rows(deploymentTable) {
		if d["status"] == "running" {
			running = append(running, str(d["deploymentId"]))
		}
	}
	for _, id := range running {
		s.finishDeployment(id)
	}
	return len(running)
}
