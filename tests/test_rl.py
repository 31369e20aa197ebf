"""dlcourse.rl: the CartPole physics, the policy network's gradient, and REINFORCE beating a random policy."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.backprop import numerical_gradient, relative_error
from dlcourse.rl import CartPole, PolicyNetwork, RandomPolicy, discounted_returns, reinforce, run_episode


def test_cartpole_episode_rules():
    env = CartPole(max_steps=50, seed=0)
    first = env.reset(seed=1)
    assert first.shape == (4,) and np.abs(first).max() <= 0.05
    np.testing.assert_array_equal(first, CartPole(seed=9).reset(seed=1))   # seeded start
    # always pushing right tips the pole over (to the left) quickly
    steps = 0
    done = False
    while not done:
        state, reward, done = env.step(1)
        steps += 1
        assert reward == 1.0
    assert steps < 50 and abs(state[2]) > env.angle_limit
    with pytest.raises(RuntimeError, match="reset"):
        env.step(0)
    env.reset()
    with pytest.raises(ValueError, match="action"):
        env.step(2)
    with pytest.raises(ValueError, match="max_steps"):
        CartPole(max_steps=0)


def test_cartpole_respects_max_steps():
    class Balancer:        # a hand-written controller: push towards the side the pole leans to
        def act(self, state, rng):
            return int(state[2] + 0.5 * state[3] > 0)

    episode = run_episode(CartPole(max_steps=120), Balancer(), seed=0)
    assert episode.total_reward == 120 == len(episode)


def test_policy_gradient_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    policy = PolicyNetwork(4, 3, hidden=5, seed=1)
    states, actions, weights = rng.normal(size=(7, 4)), rng.integers(3, size=7), rng.normal(size=7)

    def objective(_):
        p = policy.probabilities(states)
        return float(np.sum(weights * np.log(p[np.arange(7), actions])))

    analytic = policy.log_prob_gradients(states, actions, weights)
    assert relative_error(analytic, numerical_gradient(objective, policy.params)) < 1e-6
    with pytest.raises(ValueError, match="same length"):
        policy.log_prob_gradients(states, actions[:3], weights)


def test_policy_samples_from_its_probabilities():
    policy = PolicyNetwork(4, 2, hidden=4, seed=0)
    policy.params["b2"][:] = [0.0, np.log(3.0)]        # p(right) = 0.75 whatever the state (w2 ~ 0)
    policy.params["w2"][:] = 0.0
    rng = np.random.default_rng(0)
    share = np.mean([policy.act(np.zeros(4), rng) for _ in range(4000)])
    assert share == pytest.approx(0.75, abs=0.03)
    assert policy.act(np.zeros(4), rng, greedy=True) == 1
    with pytest.raises(ValueError, match="hidden"):
        PolicyNetwork(4, 2, hidden=0)


def test_discounted_returns():
    np.testing.assert_allclose(discounted_returns(np.array([1.0, 0.0, 2.0]), gamma=0.5), [1.5, 1.0, 2.0])
    np.testing.assert_allclose(discounted_returns(np.ones(4), gamma=1.0), [4, 3, 2, 1])
    with pytest.raises(ValueError, match="gamma"):
        discounted_returns(np.ones(2), gamma=1.5)


def test_reinforce_beats_a_random_policy():
    env = CartPole(max_steps=200, seed=0)
    random_score = np.mean([run_episode(env, RandomPolicy(2), seed=1000 + s).total_reward for s in range(30)])
    policy = PolicyNetwork(4, 2, hidden=16, seed=0)
    before = np.mean([run_episode(env, policy, seed=1000 + s).total_reward for s in range(30)])
    rewards = reinforce(policy, env, episodes=150, learning_rate=0.02, seed=0)
    after = np.mean([run_episode(env, policy, seed=1000 + s).total_reward for s in range(30)])
    assert rewards.shape == (150,) and (rewards >= 1).all()
    assert after > 3 * random_score and after > 3 * before
    assert rewards[-30:].mean() > rewards[:30].mean()


def test_reinforce_rejects_bad_arguments():
    env, policy = CartPole(), PolicyNetwork(4, 2)
    with pytest.raises(ValueError, match="episodes"):
        reinforce(policy, env, episodes=0)
    with pytest.raises(ValueError, match="learning_rate"):
        reinforce(policy, env, episodes=1, learning_rate=-1)
    with pytest.raises(ValueError, match="gamma"):
        reinforce(policy, env, episodes=1, gamma=2)
    with pytest.raises(ValueError, match="policy"):
        reinforce(RandomPolicy(2), env, episodes=1)
