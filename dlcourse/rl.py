"""Reinforcement learning in plain NumPy: a pole-balancing game and REINFORCE, the simplest policy gradient.

* :class:`CartPole` is the classic control task (Barto, Sutton & Anderson, 1983; the physics of Gym's
  ``CartPole-v1``) written in a few lines of NumPy, without any dependency: a cart moves left or right
  along a track and must keep a pole hinged on it upright. ``reset()`` starts an episode, ``step(action)``
  pushes the cart and returns ``(state, reward, done)``; every step the pole stays up earns a reward of 1.
* :class:`PolicyNetwork` is a tiny neural network (state -> tanh hidden layer -> softmax over actions)
  with its own backward pass, so the policy-gradient update is visible, not hidden in a framework.
* :func:`run_episode` lets any policy (anything with ``act(state, rng)``) play one episode;
  :func:`reinforce` trains a :class:`PolicyNetwork` by REINFORCE (Williams, 1992) and returns the reward
  of every training episode.

Example:
    >>> env = CartPole(seed=0)
    >>> random_rewards = [run_episode(env, RandomPolicy(2), seed=s).total_reward for s in range(20)]
    >>> policy = PolicyNetwork(env.n_inputs, env.n_actions, hidden=16, seed=0)
    >>> rewards = reinforce(policy, env, episodes=300, learning_rate=0.02, seed=0)
    >>> bool(rewards[-50:].mean() > 2 * np.mean(random_rewards))
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

__all__ = ["CartPole", "Episode", "Policy", "RandomPolicy", "PolicyNetwork", "run_episode",
           "discounted_returns", "reinforce"]


def _positive_int(name: str, value: Any) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _positive_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


class CartPole:
    """Balance a pole on a moving cart: 2 actions (push left / push right), a state of 4 numbers.

    The state is ``(cart position, cart velocity, pole angle, pole angular velocity)`` in metres, m/s,
    radians and rad/s. The episode ends when the pole tilts more than 12 degrees, the cart leaves the track
    (|position| > 2.4 m), or after ``max_steps`` steps. Each step earns a reward of 1, so the total reward is
    how many steps (of 0.02 s) the pole stayed up. A random policy lasts about 20 steps.

    Args:
        max_steps: the longest an episode lasts (the score of a perfect player).
        seed: seeds the random starting states (small values around 0).

    Example:
        >>> env = CartPole(max_steps=200, seed=0)
        >>> state = env.reset()
        >>> state.shape
        (4,)
        >>> state, reward, done = env.step(1)     # push right
        >>> reward, done
        (1.0, False)
    """

    n_inputs = 4
    n_actions = 2
    action_names = ("push left", "push right")

    gravity, cart_mass, pole_mass, pole_half_length = 9.8, 1.0, 0.1, 0.5
    force, dt = 10.0, 0.02
    angle_limit, position_limit = 12 * 2 * np.pi / 360, 2.4

    def __init__(self, max_steps: int = 500, seed: int | None = 0):
        self.max_steps = _positive_int("max_steps", max_steps)
        self.rng = np.random.default_rng(seed)
        self.state = np.zeros(4)
        self.steps = 0
        self.done = True

    def reset(self, seed: int | None = None) -> np.ndarray:
        """Start a new episode (re-seeding first if ``seed`` is given) and return the first state."""
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.state = self.rng.uniform(-0.05, 0.05, size=4)
        self.steps = 0
        self.done = False
        return self.state.copy()

    def step(self, action: int) -> tuple[np.ndarray, float, bool]:
        """Push the cart (0 = left, 1 = right) for one time step; return ``(state, reward, done)``."""
        if self.done:
            raise RuntimeError("the episode is over: call reset() to start a new one")
        if action != 0 and action != 1:
            raise ValueError(f"action must be 0 (push left) or 1 (push right), got {action!r}")
        x, x_dot, theta, theta_dot = (float(v) for v in self.state)
        force = self.force if action == 1 else -self.force
        total_mass = self.cart_mass + self.pole_mass
        pole_moment = self.pole_mass * self.pole_half_length
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + pole_moment * theta_dot ** 2 * sin) / total_mass
        theta_acc = (self.gravity * sin - cos * temp) / (
            self.pole_half_length * (4.0 / 3.0 - self.pole_mass * cos ** 2 / total_mass))
        x_acc = temp - pole_moment * theta_acc * cos / total_mass
        # Euler integration, as in Gym
        x, x_dot = x + self.dt * x_dot, x_dot + self.dt * x_acc
        theta, theta_dot = theta + self.dt * theta_dot, theta_dot + self.dt * theta_acc
        self.state = np.array([x, x_dot, theta, theta_dot])
        self.steps += 1
        fallen = abs(x) > self.position_limit or abs(theta) > self.angle_limit
        self.done = bool(fallen or self.steps >= self.max_steps)
        return self.state.copy(), 1.0, self.done


class Policy(Protocol):
    """Anything that picks an action for a state: ``act(state, rng) -> int``."""

    def act(self, state: np.ndarray, rng: np.random.Generator) -> int: ...


class RandomPolicy:
    """Picks one of ``n_actions`` actions uniformly at random: the baseline any learner must beat.

    Example:
        >>> RandomPolicy(2).act(np.zeros(4), np.random.default_rng(0)) in (0, 1)
        True
    """

    def __init__(self, n_actions: int):
        self.n_actions = _positive_int("n_actions", n_actions)

    def act(self, state: np.ndarray, rng: np.random.Generator) -> int:
        return int(rng.integers(self.n_actions))


class PolicyNetwork:
    """A stochastic policy: ``state -> Dense(hidden, tanh) -> Dense(n_actions) -> softmax`` in NumPy.

    ``probabilities(states)`` is the forward pass; ``act`` samples an action from it (``greedy=True`` takes
    the most likely one); ``log_prob_gradients(states, actions, weights)`` returns the gradient of
    ``sum_t weights[t] * log pi(actions[t] | states[t])`` for every parameter, which is all REINFORCE needs.
    The update itself is Adam (``apply_gradients``), as ``model.fit`` would use.

    Args:
        n_inputs, n_actions: sizes of the state and of the action set.
        hidden: neurons in the hidden layer.
        seed: seeds the initial weights.

    Example:
        >>> policy = PolicyNetwork(4, 2, hidden=8, seed=0)
        >>> p = policy.probabilities(np.zeros((3, 4)))
        >>> p.shape, bool(np.allclose(p.sum(axis=1), 1.0))
        ((3, 2), True)
    """

    def __init__(self, n_inputs: int, n_actions: int, hidden: int = 16, seed: int | None = 0):
        n_inputs = _positive_int("n_inputs", n_inputs)
        self.n_actions = _positive_int("n_actions", n_actions)
        hidden = _positive_int("hidden", hidden)
        rng = np.random.default_rng(seed)
        self.params = {
            "w1": rng.normal(0.0, 1.0 / np.sqrt(n_inputs), size=(n_inputs, hidden)),
            "b1": np.zeros(hidden),
            "w2": rng.normal(0.0, 0.1 / np.sqrt(hidden), size=(hidden, self.n_actions)),
            "b2": np.zeros(self.n_actions),
        }
        self._adam_m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._adam_v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._adam_t = 0

    def count_params(self) -> int:
        """The number of weights and biases."""
        return int(sum(v.size for v in self.params.values()))

    def _forward(self, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h = np.tanh(states @ self.params["w1"] + self.params["b1"])
        logits = h @ self.params["w2"] + self.params["b2"]
        logits = logits - logits.max(axis=-1, keepdims=True)
        e = np.exp(logits)
        return h, e / e.sum(axis=-1, keepdims=True)

    def probabilities(self, states: np.ndarray) -> np.ndarray:
        """Action probabilities, shape ``(n, n_actions)`` for states of shape ``(n, n_inputs)``."""
        return self._forward(np.atleast_2d(np.asarray(states, dtype=float)))[1]

    def act(self, state: np.ndarray, rng: np.random.Generator, greedy: bool = False) -> int:
        """Sample an action from the policy (or take the most likely one when ``greedy``)."""
        p = self.probabilities(state)[0]
        if greedy:
            return int(p.argmax())
        u, cumulative = rng.random(), 0.0
        for action, p_action in enumerate(p.tolist()):
            cumulative += p_action
            if u < cumulative:
                return action
        return self.n_actions - 1

    def log_prob_gradients(self, states: np.ndarray, actions: np.ndarray, weights: np.ndarray
                           ) -> dict[str, np.ndarray]:
        """Gradient of ``sum_t weights[t] * log pi(actions[t] | states[t])`` with respect to every parameter.

        For a softmax output the gradient of ``log p[a]`` with respect to the logits is ``onehot(a) - p``
        (notebook 02's ``p - y`` with the sign flipped); the rest is ordinary backpropagation.
        """
        states = np.atleast_2d(np.asarray(states, dtype=float))
        actions = np.asarray(actions, dtype=int)
        weights = np.asarray(weights, dtype=float)
        if not len(states) == len(actions) == len(weights):
            raise ValueError(f"states, actions and weights must have the same length, got {len(states)}, "
                             f"{len(actions)} and {len(weights)}")
        h, p = self._forward(states)
        d_logits = -p
        d_logits[np.arange(len(actions)), actions] += 1.0
        d_logits *= weights[:, None]
        d_h = (d_logits @ self.params["w2"].T) * (1.0 - h ** 2)
        return {"w1": states.T @ d_h, "b1": d_h.sum(axis=0), "w2": h.T @ d_logits, "b2": d_logits.sum(axis=0)}

    def apply_gradients(self, gradients: dict[str, np.ndarray], learning_rate: float = 0.01,
                        beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        """One Adam step that *increases* the objective whose gradient is given (gradient ascent)."""
        self._adam_t += 1
        for name, grad in gradients.items():
            m = self._adam_m[name] = beta1 * self._adam_m[name] + (1 - beta1) * grad
            v = self._adam_v[name] = beta2 * self._adam_v[name] + (1 - beta2) * grad ** 2
            m_hat, v_hat = m / (1 - beta1 ** self._adam_t), v / (1 - beta2 ** self._adam_t)
            self.params[name] += learning_rate * m_hat / (np.sqrt(v_hat) + eps)


@dataclass
class Episode:
    """What happened in one episode: the states seen, the actions taken and the rewards received."""

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray

    @property
    def total_reward(self) -> float:
        return float(self.rewards.sum())

    def __len__(self) -> int:
        return len(self.rewards)


def run_episode(env: Any, policy: Policy, seed: int | None = None, rng: np.random.Generator | None = None,
                greedy: bool = False) -> Episode:
    """Let ``policy`` play one episode of ``env`` (anything with ``reset()`` and ``step(action)``).

    ``seed`` re-seeds the environment's start state; ``rng`` draws the policy's random actions
    (a new generator seeded with ``seed`` if not given). ``greedy`` is passed to policies that take it.

    Example:
        >>> episode = run_episode(CartPole(seed=0), RandomPolicy(2), seed=1)
        >>> len(episode) == len(episode.actions) == episode.total_reward
        True
    """
    rng = np.random.default_rng(seed) if rng is None else rng
    state = env.reset(seed=seed)
    states, actions, rewards = [], [], []
    done = False
    while not done:
        action = policy.act(state, rng, greedy=True) if greedy else policy.act(state, rng)
        states.append(state)
        actions.append(action)
        state, reward, done = env.step(action)
        rewards.append(reward)
    return Episode(np.asarray(states), np.asarray(actions, dtype=int), np.asarray(rewards, dtype=float))


def discounted_returns(rewards: np.ndarray, gamma: float = 0.99) -> np.ndarray:
    """``G_t = r_t + gamma * r_{t+1} + gamma^2 * r_{t+2} + ...``: the reward still to come from each step.

    Example:
        >>> discounted_returns(np.array([1.0, 1.0, 1.0]), gamma=0.5)
        array([1.75, 1.5 , 1.  ])
    """
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must be between 0 and 1, got {gamma!r}")
    returns = np.zeros(len(rewards))
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns


def reinforce(policy: PolicyNetwork, env: Any, episodes: int = 500, *, gamma: float = 0.99,
              learning_rate: float = 0.01, batch_episodes: int = 1, seed: int | None = 0,
              callback: Any = None) -> np.ndarray:
    """Train ``policy`` on ``env`` with REINFORCE; return the total reward of each training episode.

    After each batch of ``batch_episodes`` episodes, every action taken is made more likely in proportion to
    its *advantage*: the discounted return that followed it, standardised within the batch (subtracting the
    mean is the classic baseline; it lowers the variance of the gradient without biasing it). The update is
    gradient *ascent* on ``sum_t advantage_t * log pi(a_t | s_t)``.

    Args:
        policy: a :class:`PolicyNetwork` (it is updated in place).
        env: an environment with ``reset(seed=...)`` and ``step(action) -> (state, reward, done)``.
        episodes: how many episodes to play and learn from.
        gamma: the discount factor: how much a reward one step later counts.
        learning_rate: Adam's step size.
        batch_episodes: episodes per update.
        seed: makes the run repeatable (episode ``i`` starts from seed ``seed + i``).
        callback: called as ``callback(episode_index, total_reward)`` after each episode, e.g. to plot live.

    Example:
        >>> env, policy = CartPole(max_steps=100), PolicyNetwork(4, 2, hidden=8, seed=0)
        >>> rewards = reinforce(policy, env, episodes=5)
        >>> rewards.shape
        (5,)
    """
    episodes = _positive_int("episodes", episodes)
    batch_episodes = _positive_int("batch_episodes", batch_episodes)
    learning_rate = _positive_float("learning_rate", learning_rate)
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must be between 0 and 1, got {gamma!r}")
    if not hasattr(policy, "log_prob_gradients"):
        raise ValueError(f"policy must be a PolicyNetwork (with log_prob_gradients), got {type(policy).__name__}")
    rng = np.random.default_rng(seed)
    totals = np.zeros(episodes)
    batch: list[tuple[Episode, np.ndarray]] = []
    for i in range(episodes):
        episode = run_episode(env, policy, seed=None if seed is None else seed + i, rng=rng)
        totals[i] = episode.total_reward
        batch.append((episode, discounted_returns(episode.rewards, gamma)))
        if callback is not None:
            callback(i, totals[i])
        if len(batch) == batch_episodes or i == episodes - 1:
            states = np.concatenate([e.states for e, _ in batch])
            actions = np.concatenate([e.actions for e, _ in batch])
            returns = np.concatenate([g for _, g in batch])
            advantages = (returns - returns.mean()) / (returns.std() + 1e-8)
            grads = policy.log_prob_gradients(states, actions, advantages / len(batch))
            policy.apply_gradients(grads, learning_rate)
            batch = []
    return totals
