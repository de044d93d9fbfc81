"""Whole jobs per task (train, predict, evaluate), shared by the CLI and the service."""

from osler.pipelines.registry import Task, get_task, task_names

__all__ = ["Task", "get_task", "task_names"]
