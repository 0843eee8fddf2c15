"""Drives the Infera console in headless Chromium (Debian's chromium and chromium-driver,
through Selenium's WebDriver client): reads the models and providers tables, runs a held-out
digit from a .npy file through the "Run a job" form, waits (without reloading: the page follows
finalized blocks) until the job's timeline reaches "paid", and saves a screenshot of each part.
Prints one JSON document with what the page showed. With a token (a gateway started with
`--token-file`), first runs the job without it (the page must show the refusal), then with it.

usage: console_chromium.py <console url> <model id> <input .npy> <screenshot folder> [token]
"""
import json
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 240


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1100"]:
        options.add_argument(arg)
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def main():
    url, model, npy, shots = sys.argv[1:5]
    token = sys.argv[5] if len(sys.argv) > 5 else None
    os.makedirs(shots, exist_ok=True)
    driver = browser()
    wait = WebDriverWait(driver, TIMEOUT)
    try:
        driver.get(url)
        # The page re-renders its tables at every block: read each table in one script, so no
        # element goes stale between two reads.
        model_row = wait.until(lambda d: d.execute_script(
            "const r = document.querySelector(`#models tr[data-model-id='${arguments[0]}']`);"
            "return r && {total: r.querySelector('.quote-1').dataset.total,"
            " quote3: r.querySelector('.quote-3').textContent};", model))
        quote_1, quote_3 = model_row["total"], model_row["quote3"]
        providers = wait.until(lambda d: d.execute_script(
            "const rows = [...document.querySelectorAll('#providers tbody tr[data-account]')];"
            "return rows.length ? rows.map(r => ({account: r.dataset.account,"
            " price: r.querySelector('.price').textContent})) : null;"))
        accounts = [p["account"] for p in providers]
        prices = [p["price"] for p in providers]
        block_before = int(driver.find_element(By.ID, "block").text)
        driver.find_element(By.ID, "models").screenshot(os.path.join(shots, "console-models.png"))
        driver.find_element(By.ID, "providers").screenshot(os.path.join(shots, "console-providers.png"))
        driver.find_element(By.ID, "governance").screenshot(os.path.join(shots, "console-governance.png"))

        # The model list is re-rendered at every block too (keeping the choice): choose by value.
        driver.execute_script("document.getElementById('run-model').value = arguments[0];", model)
        driver.find_element(By.ID, "run-file").send_keys(os.path.abspath(npy))
        unauthorized = ""
        if token:
            # The gateway requires its token: the page asks for it, and a run without it is refused.
            wait.until(lambda d: d.find_element(By.ID, "run-token").is_displayed())
            driver.find_element(By.ID, "run-button").click()
            wait.until(lambda d: d.find_element(By.ID, "run-error").text)
            unauthorized = driver.find_element(By.ID, "run-error").text
            driver.find_element(By.ID, "run-token").send_keys(token)
        driver.find_element(By.ID, "run-button").click()
        wait.until(lambda d: d.find_element(By.ID, "run-result").get_attribute("data-settled") == "true"
                   and d.find_element(By.ID, "run-answer").text.startswith("class"))
        job_id = int(driver.find_element(By.ID, "run-job").text)
        answer = driver.find_element(By.ID, "run-answer").text
        phases = driver.execute_script(
            "return [...document.querySelectorAll('#run-timeline li')].map(li => li.dataset.phase);")
        block_after = int(driver.find_element(By.ID, "block").text)
        driver.find_element(By.ID, "run").screenshot(os.path.join(shots, "console-run.png"))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#jobs tr[data-job-id="{job_id}"]'))
        driver.find_element(By.ID, "jobs").screenshot(os.path.join(shots, "console-jobs.png"))
        driver.save_screenshot(os.path.join(shots, "console-page.png"))
        print(json.dumps({
            "quote_1_total": quote_1,
            "quote_3": quote_3,
            "providers": accounts,
            "prices": prices,
            "job_id": job_id,
            "answer": answer,
            "phases": phases,
            "blocks": [block_before, block_after],
            "error": driver.find_element(By.ID, "error").text
            + driver.find_element(By.ID, "run-error").text,
            "unauthorized": unauthorized,
        }))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
