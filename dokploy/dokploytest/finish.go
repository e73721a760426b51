package dokploytest

import "time"

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

// SetDeploys changes, while the server runs, how long application and
// compose deployments take and the error every deploy fails with ("" for
// none): Options.DeployDuration and Options.DeployError.
func (s *Server) SetDeploys(duration time.Duration, failure string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.DeployDuration, s.opts.DeployError = duration, failure
}
