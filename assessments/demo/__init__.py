"""The demo's assessment content: questions, quizzes and attempts, operational data, cycles,
appeals, certificates; and the benchmark's data set."""
