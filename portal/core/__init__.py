"""Infrastructure that imports nothing of ours: client address, field encryption, private
storage, text, PDF, SMS, captcha glue, logging, metrics, rate-limit keys, input guard."""
